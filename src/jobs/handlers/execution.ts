import type { Job } from 'bullmq';
import { bold, fmt, join } from 'telegraf/format';
import type { AppContext } from '../../app/context.js';
import { fillConfirmation } from '../../bot/views/fill-view.js';
import { executeApproval, giveUpApproval, type ExecutionDeps, type ExecutionOutcome } from '../../trading/execution/execute.js';
import { flattenAll, runExits, type ExitDeps } from '../../trading/execution/exits.js';
import { markToMarket } from '../../trading/execution/mark-to-market.js';
import { reconcile } from '../../trading/execution/reconcile.js';
import { recipientsFor } from '../../trading/settings/recipients.js';
import { ALERT_KINDS, alertKeys } from '../../trading/alerts/alerts.js';
import { dollarAdvFromBars } from '../../trading/execution/liquidity-source.js';
import { loadFillContext } from '../../trading/portfolio/fill-context.js';
import { messageRefKey } from '../../bot/outbox/delivery.js';
import type { NotifyOp } from '../payloads/common.js';
import { executionRunSchema } from '../payloads/execution.js';
import { cardWithOutcome, outcomeLine } from '../../bot/views/card-outcome.js';
import type { TradingDeps } from '../../app/trading-deps.js';
import type { HandlerMap } from '../worker-runtime.js';
import { exitOutcomesView } from '../../bot/views/exit-view.js';

/** The execution deps as configured: the real gates, broker and quotes, with the config's limits. */
/** What every order path shares: the database, the configured broker and quotes, the kill switch, the audit chain. */
function orderPathDeps(app: AppContext, trading: TradingDeps) {
  return { ds: app.ds, broker: trading.broker, quotes: trading.quotes, killSwitch: app.killSwitch, audit: app.audit, scrub: app.scrub, waitTimeoutMs: app.config.execution.waitTimeoutMs };
}

/** The execution deps as configured: the real gates, broker and quotes, with the config's limits. */
export function executionDeps(app: AppContext, trading: TradingDeps): ExecutionDeps {
  const { windowMs: _window, waitTimeoutMs: _wait, timeStopBars, ...limits } = app.config.execution;
  return {
    ...orderPathDeps(app, trading),
    dollarAdv: dollarAdvFromBars(app.ds),
    limits,
    timeStopBars,
    logger: app.log.child({ component: 'execution' }),
  };
}

/** Exit deps (stop / time stop / flatten) on the same broker and quotes. */
export function exitDeps(app: AppContext, trading: TradingDeps): ExitDeps {
  const x = app.config.exits;
  return {
    ...orderPathDeps(app, trading),
    limits: { limitBuffer: x.limitBuffer, timeStopLeadMinutes: x.timeStopLeadMinutes, exitsDuringKill: x.duringKill },
    logger: app.log.child({ component: 'exits' }),
  };
}

/** Thrown when the outcome is not known yet: BullMQ retries with backoff; the re-run only looks the order up. */
export class OutcomePendingError extends Error {
  override readonly name = 'OutcomePendingError';
}

/** Handlers of the `executions` queue. */
export function executionHandlers(app: AppContext, trading: TradingDeps, deps: ExecutionDeps = executionDeps(app, trading)): HandlerMap<'executions'> {
  return {
    'execution.run': async (p, run) => {
      const out = await executeApproval(deps, p.approvalId);
      if (out.kind === 'pending' || (out.kind === 'failed' && out.retryable)) throw new OutcomePendingError(out.reason);
      await tellOutcome(app, out, p, `${run.job.id}-outcome`);
      await brokerAlert(app, trading.broker.name, out);
      return { kind: out.kind };
    },
    'execution.chart': async (p, run) => {
      await sendFillChart(app, deps, p, String(run.job.id));
    },
    'execution.cancel_all': async (p, run) => {
      const res = await trading.broker.cancelAllOrders();
      // The proof is a fresh look at the broker, not the cancel call's own count.
      const open = await trading.broker.listOpenOrders();
      await app.audit.append({ action: 'killswitch.cancel_all', actor: p.userId, broker: trading.broker.name, cancelled: res.cancelled, openAfter: open.length }).catch(() => undefined);
      const text =
        open.length === 0
          ? fmt`🧾 ${bold`Broker orders cancelled`} at ${trading.broker.name}: ${String(res.cancelled)} cancelled, open orders now ${bold`0`}.\nPositions are untouched: /positions shows them; ${bold`/kill flatten`} sells them all.`
          : fmt`⚠️ ${bold`${String(open.length)} order(s) still open`} at ${trading.broker.name} after cancelling ${String(res.cancelled)}: ${open.map((o) => `${o.symbol} ${o.status}`).join(', ')}.\nSend /kill again, or cancel them in the broker's dashboard.`;
      await app.notifier.text(p.chatId, text, { origin: 'kill', jobId: `${run.job.id}-proof` });
      return { cancelled: res.cancelled, openAfter: open.length };
    },
    'execution.exits': async (_p, run) => {
      const outcomes = await runExits(exitDeps(app, trading));
      // Blocked/skipped repeat on every pass while they last; the digest and alerts carry them, not a message per pass.
      const news = outcomes.filter((o) => o.status !== 'skipped' && o.status !== 'blocked');
      if (news.length > 0) {
        const text = exitOutcomesView('🚪 Exits', news, null);
        for (const r of await recipientsFor('fills', app.ds, app.config.telegram.allowed)) {
          await app.notifier.text(r.chatId, text, { origin: 'exits', jobId: `${run.job.id}-to-${r.chatId}`, silent: r.silent });
        }
      }
      return { outcomes: outcomes.map((o) => ({ symbol: o.symbol, reason: o.reason, status: o.status })) };
    },
    'execution.mark': async (p) => {
      const res = await markToMarket({
        ds: app.ds,
        broker: trading.broker,
        benchmarkSymbol: app.config.exits.benchmark,
        startingCash: app.config.broker.paper.startingCash,
        audit: app.audit,
        logger: app.log.child({ component: 'mark-to-market' }),
      }, { date: p.date });
      await staleDataAlerts(app, p.date);
      return { date: res.date, equity: res.equity, positions: res.positions.length, missing: res.missing };
    },
    'execution.reconcile': async (p, run) => {
      const report = await reconcile({ ds: app.ds, broker: trading.broker, audit: app.audit, logger: app.log.child({ component: 'reconcile' }), scrub: app.scrub });
      const text = join([fmt`${bold(report.ok ? '🧮 Reconciliation: books match the broker' : '🧮 Reconciliation found differences')}`, ...report.lines], '\n');
      // Admins hear of a mismatch once per episode (and when it clears), not at every run.
      if (report.ok) await app.alerts.resolve(alertKeys.reconcileMismatch(trading.broker.name), 'Reconciliation: our books match the broker again.');
      else await app.alerts.raise({ key: alertKeys.reconcileMismatch(trading.broker.name), kind: ALERT_KINDS.reconcileMismatch, severity: 'critical', message: report.lines.join('\n').slice(0, 1500) });
      if (p.chatId !== undefined) await app.notifier.text(p.chatId, text, { origin: 'reconcile', jobId: `${run.job.id}-reply` });
      return { ok: report.ok, fixed: report.fixed.length, mismatches: report.mismatches.length };
    },
    'execution.flatten': async (p, run) => {
      const outcomes = await flattenAll(exitDeps(app, trading), { requestedBy: p.userId });
      const positions = await trading.broker.listPositions().catch(() => null);
      await app.notifier.text(p.chatId, exitOutcomesView('🧯 Flatten', outcomes, positions), { origin: 'flatten', jobId: `${run.job.id}-reply` });
      return { orders: outcomes.length };
    },
  };
}

/** A broker rejection opens an alert for admins; the next order the broker accepts closes it. */
async function brokerAlert(app: AppContext, broker: string, out: ExecutionOutcome): Promise<void> {
  const key = alertKeys.brokerRejected(broker);
  if (out.kind === 'refused' && out.gate === 'broker') {
    await app.alerts.raise({ key, kind: ALERT_KINDS.brokerRejected, severity: 'warning', message: `${broker} rejected the ${out.symbol} order: ${out.reason}` });
  } else if (out.kind === 'filled' || out.kind === 'partially_filled' || out.kind === 'not_filled') {
    await app.alerts.resolve(key, `${broker} is accepting orders again.`);
  }
}

/**
 * After a session's mark: real (non-DEMO) data sources whose newest bar is
 * older than that session are stale — scans and marks use old prices.
 * Synthetic demo data never updates and is labelled DEMO everywhere instead.
 */
async function staleDataAlerts(app: AppContext, sessionDate: string): Promise<void> {
  const rows = (await app.ds.query(
    `SELECT source, to_char(max(last_date), 'YYYY-MM-DD') AS last FROM bar_symbols WHERE NOT demo GROUP BY source`,
  )) as { source: string; last: string }[];
  for (const r of rows) {
    const key = alertKeys.dataStale(r.source);
    if (r.last < sessionDate) {
      await app.alerts.raise({ key, kind: ALERT_KINDS.dataStale, severity: 'warning', message: `Market data from ${r.source} is stale: newest bar ${r.last}, session ${sessionDate}. Import or fetch fresh bars (courtside data import).` });
    } else {
      await app.alerts.resolve(key, `Market data from ${r.source} is current again (${r.last}).`);
    }
  }
}

/** The card shows the outcome (buttons gone) and a confirmation with a small chart follows. */
async function tellOutcome(app: AppContext, out: ExecutionOutcome, p: { pickId: string; chatId: number; cardMessageId?: number | undefined }, jobId: string): Promise<void> {
  const [ctx, card, pick] = await Promise.all([loadFillContext(app.ds, out).catch(() => undefined), cardLocation(app, p), app.picks.get(p.pickId).catch(() => null)]);
  const msg = fillConfirmation(out, ctx);
  // The confirmation first (the trader is waiting for it), then the card's outcome line.
  const ops: NotifyOp[] = [{ kind: 'text', text: msg.text.text, ...(msg.text.entities ? { entities: msg.text.entities } : {}) }];
  if (card && pick && card.chatId === p.chatId) ops.push(app.notifier.editCaptionOp(card.messageId, cardWithOutcome(pick, outcomeLine(out)), []));
  await app.notifier.deliver(p.chatId, ops, 'execution', jobId);
  // Rendering costs ~40 ms of CPU on the worker's event loop: the chart is its own job, a moment
  // later, so the confirmation is not held back behind it.
  if (msg.chart && 'approvalId' in out) {
    await app.jobs.add('execution.chart', { approvalId: out.approvalId, pickId: p.pickId, chatId: p.chatId }, { jobId: `${jobId}-chart`, delay: CHART_DELAY_MS });
  }
}

/** How long after the confirmation the fill chart job runs. */
const CHART_DELAY_MS = 300;

/** Renders and sends the fill chart of a finished approval (re-reads the stored outcome; never executes anything new). */
async function sendFillChart(app: AppContext, deps: ExecutionDeps, p: { approvalId: string; pickId: string; chatId: number }, jobId: string): Promise<void> {
  const out = await executeApproval(deps, p.approvalId);
  if (out.kind !== 'filled' && out.kind !== 'partially_filled') return;
  const ctx = await loadFillContext(app.ds, out).catch(() => undefined);
  const chart = fillConfirmation(out, ctx).chart;
  if (!chart) return;
  const png = await app.charts.render(chart);
  await app.notifier.deliver(p.chatId, [await app.notifier.photoOp(png, `📈 ${chart.title}`)], 'execution-chart', `${jobId}-photo`);
}

async function cardLocation(app: AppContext, p: { pickId: string; chatId: number; cardMessageId?: number | undefined }): Promise<{ chatId: number; messageId: number } | null> {
  if (p.cardMessageId) return { chatId: p.chatId, messageId: p.cardMessageId };
  const ref = await app.redis.get(messageRefKey(app.config.redis.prefix, `pick:${p.pickId}`)).catch(() => null);
  const m = ref?.match(/^(-?\d+):(\d+)$/);
  return m ? { chatId: Number(m[1]), messageId: Number(m[2]) } : null;
}

/**
 * An execution that failed through every retry. When nothing can have reached
 * the broker the approval is closed (budget released) and the chat is told so;
 * otherwise the order's outcome is unknown and reconciliation settles it.
 */
export async function tellExecutionGaveUp(app: AppContext, deps: ExecutionDeps, job: Job, err: Error): Promise<void> {
  const p = executionRunSchema.safeParse(job.data);
  if (!p.success) return;
  const why = app.scrub(err.message).slice(0, 300);
  const out = await giveUpApproval(deps, p.data.approvalId, `gave up after ${job.attemptsMade} tries: ${why}`).catch(() => null);
  if (out && out.kind === 'failed') {
    await tellOutcome(app, out, p.data, `${job.id}-gave-up`);
    return;
  }
  const text = join(
    [
      fmt`⚠️ ${bold`Order outcome unknown`} for pick ${p.data.pickId} after ${String(job.attemptsMade)} tries: ${why}`,
      'It is never sent twice. Reconciliation compares the broker with our books and reports what it finds; check /orders, or the broker dashboard.',
    ],
    '\n',
  );
  await app.notifier.text(p.data.chatId, text, { origin: 'execution-failed', jobId: `${job.id}-gave-up` });
}
