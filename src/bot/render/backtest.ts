import type { BacktestCurves, BacktestReport } from '../../trading/backtest/report.js';
import { strategyLabel } from '../../trading/backtest/request.js';
import type { BacktestNotice } from '../../trading/backtest/notices.js';
import type { NotifyOp } from '../../jobs/payloads/common.js';
import { backtestEquityChart, monthlyReturnsChart } from '../charts/backtest-charts.js';
import { asFormatted } from '../format/message.js';
import { cancelKeyboard, endAckText, equityChartCaption, gaveUpText, invalidRequestText, monthlyChartCaption, progressText, summaryMessage } from '../views/backtest-messages.js';
import type { RenderContext, RendererTable } from './types.js';

/** The ack message as an edit of `messageId`, or a new message when there is none (0). */
function ackOp(messageId: number, text: string): NotifyOp {
  return messageId > 0 ? { kind: 'edit', messageId, text } : { kind: 'text', text };
}

/** Chat renderings of every BacktestNotice kind. */
export const backtestRenderers: RendererTable<BacktestNotice> = {
  'backtest.progress': async (n, ctx) => ({
    ops: [{ kind: 'edit', messageId: n.messageId, text: progressText(n.request, n.progress), keyboard: cancelKeyboard(ctx.callbackKey, n.requestKey, ctx.now()) }],
    origin: 'backtest-progress',
  }),
  // The ack says how it ended (its Cancel button goes); a done run adds the summary, then its two charts.
  'backtest.finished': async (n, ctx) => {
    const ops: NotifyOp[] = [ackOp(n.messageId, endAckText(n.request, n.end))];
    if (n.end.status === 'done') {
      ops.push({ kind: 'text', ...asFormatted(summaryMessage(n.end.report, n.end.run)) });
      ops.push(...(await chartOps(n.end.report, n.end.curves, ctx)));
    }
    return { ops, origin: 'backtest' };
  },
  'backtest.invalid-request': async (n) => ({ ops: [{ kind: 'text', text: invalidRequestText(n.error) }], origin: 'backtest' }),
  'backtest.gave-up': async (n) => ({ ops: [ackOp(n.messageId, gaveUpText(n.request, n.error))], origin: 'backtest-failed' }),
};

/** The equity/drawdown and monthly-returns charts; none when the curve is too short or a chart fails (the summary still goes). */
async function chartOps(report: BacktestReport, curves: BacktestCurves, ctx: RenderContext): Promise<NotifyOp[]> {
  const label = strategyLabel(report.request);
  const demo = report.data.demo;
  const ops: NotifyOp[] = [];
  if (curves.dates.length < 2) return ops;
  try {
    const equity = await ctx.charts.render(backtestEquityChart(curves, { title: `${label} · equity${demo ? ' (DEMO)' : ''}`, demo }));
    ops.push(await ctx.photoOp(equity, equityChartCaption(report)));
    const monthly = await ctx.charts.render(monthlyReturnsChart(curves, { title: `${label} · monthly returns${demo ? ' (DEMO)' : ''}`, demo }));
    ops.push(await ctx.photoOp(monthly, monthlyChartCaption(report)));
  } catch (err) {
    ctx.log.warn({ err }, 'backtest charts failed; sending the summary without them');
  }
  return ops;
}
