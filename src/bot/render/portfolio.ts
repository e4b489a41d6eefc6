import type { ChartSpec } from '../../adapters/charts/port.js';
import type { NotifyOp } from '../../jobs/payloads/common.js';
import type { PortfolioNotice } from '../../trading/portfolio/notices.js';
import { pnlEquityCharts, positionsPnlChart } from '../charts/portfolio-charts.js';
import { asFormatted, type Formatted, type Keyboard } from '../format/message.js';
import { fillConfirmation } from '../views/fill-view.js';
import { ordersView } from '../views/orders-view.js';
import { pnlView } from '../views/pnl-view.js';
import { positionsView } from '../views/positions-view.js';
import { closeResultText } from '../views/close-view.js';
import { positionsCloseKeyboard } from '../views/close-buttons.js';
import { closeChart } from '../charts/close-chart.js';
import type { RenderContext, RendererTable } from './types.js';

/** Chat renderings of every PortfolioNotice kind. */
export const portfolioRenderers: RendererTable<PortfolioNotice> = {
  // The summary and positions as text, then the P&L bars (when any position has a price), in one
  // notify job: the text still waits for the draw until the publisher can send the chart part later.
  'portfolio.positions': async (n, ctx) => ({ ops: [positionsTextOp(n, ctx), ...(await positionsChartOps(n, ctx))], origin: 'positions' }),
  'portfolio.orders': async (n) => ({ ops: [textOp(ordersView(n.orders))], origin: 'orders' }),
  // The summary rides as the (first) chart's caption: one message, numbers and picture together.
  // With two markets each has its own curve (won and dollars never share an axis); the second one
  // follows under its title.
  'portfolio.pnl': async (n, ctx) => {
    const text = pnlView(n.report);
    const [first, ...more] = pnlEquityCharts(n.report);
    const photo = first ? await chartPhoto(ctx, first, text) : null;
    const ops: NotifyOp[] = [photo ?? textOp(text)];
    for (const spec of more) {
      const extra = await chartPhoto(ctx, spec, spec.title ?? '');
      if (extra) ops.push(extra);
    }
    return { ops, origin: 'pnl' };
  },
  // The confirmation as the caption of a candle chart with entry and stop when there was a fill, else as text.
  'portfolio.execution-outcome': async (n, ctx) => {
    const msg = fillConfirmation(n.outcome, n.context);
    const photo = msg.chart ? await chartPhoto(ctx, msg.chart, msg.text) : null;
    return { ops: [photo ?? textOp(msg.text)], origin: `execution-${n.outcome.kind}` };
  },
  // A /close: the confirmation as the caption of a candle chart with cost and sale price when something sold, else as text.
  'portfolio.close': async (n, ctx) => {
    const text = closeResultText(n.request, n.result);
    const spec = n.result.kind === 'outcome' && n.chart ? closeChart(n.result.outcome, n.result.avgCost, n.chart) : null;
    const photo = spec ? await chartPhoto(ctx, spec, text) : null;
    return { ops: [photo ?? textOp(text)], origin: `close-${n.result.kind === 'outcome' ? n.result.outcome.status : n.result.kind}` };
  },
};

/** The notice /positions answers with. */
type PositionsNotice = Extract<PortfolioNotice, { kind: 'portfolio.positions' }>;

/**
 * /positions' text: totals and rows with a Close button per row, bound to the row as shown (a
 * press after it changed is refused). Draws nothing, so it can go out before the chart exists:
 * a draw costs about 10 ms of the event loop on a quiet machine and 100 ms or more on a loaded one
 * (bench markets), which the text should not wait for.
 */
export function positionsTextOp(n: PositionsNotice, ctx: Pick<RenderContext, 'callbackKey' | 'now'>): NotifyOp {
  return textOp(positionsView(n.snapshot), positionsCloseKeyboard(ctx.callbackKey, n.snapshot.positions, ctx.now()));
}

/**
 * /positions' P&L bar chart as a photo op, or none when no position has a price or the chart
 * cannot be drawn (logged): the text has the numbers, the picture is only a view of them.
 */
export async function positionsChartOps(n: PositionsNotice, ctx: RenderContext): Promise<NotifyOp[]> {
  const chart = positionsPnlChart(n.snapshot);
  const photo = chart ? await chartPhoto(ctx, chart, 'Unrealized P&L by position') : null;
  return photo ? [photo] : [];
}

function textOp(msg: string | Formatted, keyboard: Keyboard = []): NotifyOp {
  return { kind: 'text', ...asFormatted(msg), ...(keyboard.length > 0 ? { keyboard } : {}) };
}

/**
 * A chart is a nice-to-have next to the numbers: when it cannot be drawn the
 * text still goes out (the caller falls back to a text op) instead of the
 * whole answer failing and being retried.
 */
async function chartPhoto(ctx: RenderContext, spec: ChartSpec, caption: string | Formatted): Promise<NotifyOp | null> {
  try {
    return await ctx.photoOp(await ctx.charts.render(spec), caption);
  } catch (err) {
    ctx.log.warn({ err, chart: spec.title }, 'portfolio chart failed; sending text only');
    return null;
  }
}
