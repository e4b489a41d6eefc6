import type { Logger } from 'pino';
import { ordersView } from '../../bot/views/orders-view.js';
import { fillConfirmation } from '../../bot/views/fill-view.js';
import { pnlView } from '../../bot/views/pnl-view.js';
import { positionsView } from '../../bot/views/positions-view.js';
import type { ChartRenderer, ChartSpec } from '../../adapters/charts/port.js';
import type { ExecutionOutcome } from '../../trading/execution/execute.js';
import type { NotifyOp } from '../payloads/common.js';
import { asFormatted, type Formatted } from '../../bot/format/message.js';
import type { Outbox } from '../../bot/outbox/outbox.js';
import { pnlEquityChart, positionsPnlChart } from '../../bot/charts/portfolio-charts.js';
import { loadFillContext } from '../../trading/portfolio/fill-context.js';
import { loadRecentOrders, RECENT_ORDERS } from '../../trading/portfolio/orders.js';
import { loadPnl } from '../../trading/portfolio/pnl.js';
import { loadOpenPositions, type Queryable } from '../../trading/portfolio/positions.js';
import type { PnlPeriod } from '../../trading/portfolio/types.js';

/** What the portfolio handlers need; an AppContext has all of it. */
export interface PortfolioDeps {
  ds: Queryable;
  notifier: Pick<Outbox, 'deliver' | 'photoOp'>;
  charts: ChartRenderer;
  log?: Pick<Logger, 'warn'>;
  /** The clock /pnl's period is computed from; default the real one. */
  now?: () => Date;
}

/** The command payload fields the handlers read (the registered schema has more). */
export interface PortfolioRequest {
  chatId: number;
}

/** The part of a BullMQ job run the handlers read: the job id, from which the reply's job id is derived. */
export interface PortfolioRun {
  job: { id?: string | undefined };
}

/** Handlers of `command.positions`, `command.orders` and `command.pnl`, shaped like a HandlerMap's entries. */
export interface PortfolioHandlers {
  'command.positions': (p: PortfolioRequest, run: PortfolioRun) => Promise<unknown>;
  'command.orders': (p: PortfolioRequest, run: PortfolioRun) => Promise<unknown>;
  'command.pnl': (p: PortfolioRequest & { period?: PnlPeriod | undefined }, run: PortfolioRun) => Promise<unknown>;
}

/**
 * Each handler reads the portfolio, builds the view (and chart), and sends
 * ONE notify job with jobId `<job id>-reply`, so a retried command job never
 * answers twice and the text and its chart arrive together.
 */
export function portfolioHandlers(app: PortfolioDeps): PortfolioHandlers {
  const now = app.now ?? (() => new Date());
  return {
    'command.positions': async (p, run) => {
      const snapshot = await loadOpenPositions(app.ds);
      const ops: NotifyOp[] = [textOp(positionsView(snapshot))];
      const chart = positionsPnlChart(snapshot);
      if (chart) {
        const photo = await renderPhoto(app, chart, 'Unrealized P&L by position');
        if (photo) ops.push(photo);
      }
      await app.notifier.deliver(p.chatId, ops, 'positions', replyId(run));
    },
    'command.orders': async (p, run) => {
      const orders = await loadRecentOrders(app.ds, RECENT_ORDERS);
      await app.notifier.deliver(p.chatId, [textOp(ordersView(orders))], 'orders', replyId(run));
    },
    'command.pnl': async (p, run) => {
      const report = await loadPnl(app.ds, p.period ?? 'day', now());
      const text = pnlView(report);
      const chart = pnlEquityChart(report);
      // The summary rides as the chart's caption: one message, numbers and picture together.
      const photo = chart ? await renderPhoto(app, chart, text) : null;
      await app.notifier.deliver(p.chatId, [photo ?? textOp(text)], 'pnl', replyId(run));
    },
  };
}

/**
 * Tells the chat how an execution ended (see `fillConfirmation` for which
 * outcomes to send): the confirmation as the caption of a candle chart with
 * entry and stop when there was a fill, else as text. `jobId` should be
 * derived from the execution job, e.g. `exec-<approvalId>-done`.
 */
export async function notifyExecutionOutcome(app: PortfolioDeps, chatId: number, outcome: ExecutionOutcome, jobId: string): Promise<void> {
  const ctx = await loadFillContext(app.ds, outcome);
  const msg = fillConfirmation(outcome, ctx);
  const photo = msg.chart ? await renderPhoto(app, msg.chart, msg.text) : null;
  await app.notifier.deliver(chatId, [photo ?? textOp(msg.text)], `execution-${outcome.kind}`, jobId);
}

function replyId(run: PortfolioRun): string | undefined {
  return run.job.id ? `${run.job.id}-reply` : undefined;
}

function textOp(msg: Formatted): NotifyOp {
  return { kind: 'text', ...asFormatted(msg) };
}

/**
 * A chart is a nice-to-have next to the numbers: when it cannot be drawn the
 * text still goes out (the caller falls back to a text op) instead of the
 * whole answer failing and being retried.
 */
async function renderPhoto(app: PortfolioDeps, spec: ChartSpec, caption: string | Formatted): Promise<NotifyOp | null> {
  try {
    return await app.notifier.photoOp(await app.charts.render(spec), caption);
  } catch (err) {
    app.log?.warn({ err, chart: spec.title }, 'portfolio chart failed; sending text only');
    return null;
  }
}
