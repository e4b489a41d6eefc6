import { bold, fmt, join } from 'telegraf/format';
import type { NotifyOp } from '../../jobs/payloads/common.js';
import type { ExecutionNotice } from '../../trading/execution/notices.js';
import { asFormatted } from '../format/message.js';
import { cardWithOutcome, outcomeLine } from '../views/card-outcome.js';
import { exitOutcomesView } from '../views/exit-view.js';
import { fillConfirmation, stillCheckingText } from '../views/fill-view.js';
import { reconcileLines } from '../views/reconcile-view.js';
import type { RendererTable } from './types.js';

/** Chat renderings of every ExecutionNotice kind. */
export const executionRenderers: RendererTable<ExecutionNotice> = {
  // The confirmation first (the trader is waiting for it), then the card's outcome line (its buttons go).
  'execution.outcome': async (n) => {
    const msg = n.fill ? fillConfirmation(n.outcome, n.fill) : fillConfirmation(n.outcome);
    const ops: NotifyOp[] = [{ kind: 'text', text: msg.text.text, ...(msg.text.entities ? { entities: msg.text.entities } : {}) }];
    if (n.card) {
      const c = asFormatted(cardWithOutcome(n.card.pick, outcomeLine(n.outcome)));
      ops.push({ kind: 'editCaption', messageId: n.card.messageId, caption: c.text, ...(c.entities ? { captionEntities: c.entities } : {}), keyboard: [] });
    }
    return { ops, origin: 'execution' };
  },
  // No chart without candles to draw: nothing is sent.
  'execution.fill-chart': async (n, ctx) => {
    const chart = fillConfirmation(n.outcome, n.fill).chart;
    if (!chart) return { ops: [], origin: 'execution-chart' };
    const png = await ctx.charts.render(chart);
    return { ops: [await ctx.photoOp(png, `📈 ${chart.title}`)], origin: 'execution-chart' };
  },
  'execution.cancel-all': async (n) => {
    const open = n.stillOpen;
    const text = n.superseded
      ? fmt`⚠️ ${bold`Cancel-all dropped`} at ${n.broker}: trading was resumed (epoch ${String(n.superseded.epoch)}) before the cancel-all owed since kill epoch ${String(n.superseded.kill)} could be done, so nothing was cancelled. ${open.length === 0 ? 'No orders are open there now.' : `Open there now: ${openList(open)}. Cancel them in the broker's dashboard, or /kill again.`}`
      : open.length === 0
        ? fmt`🧾 ${bold`Broker orders cancelled`} at ${n.broker}: ${String(n.cancelled)} cancelled, open orders now ${bold`0`}.\nPositions are untouched: /positions shows them; ${bold`/kill flatten`} sells them all.`
        : fmt`⚠️ ${bold`${String(open.length)} order(s) still open`} at ${n.broker} after cancelling ${String(n.cancelled)}: ${openList(open)}.\nSend /kill again, or cancel them in the broker's dashboard.`;
    return { ops: [{ kind: 'text', ...asFormatted(text) }], origin: 'kill' };
  },
  'execution.exits': async (n) => ({ ops: [{ kind: 'text', ...asFormatted(exitOutcomesView('🚪 Exits', n.outcomes, null)) }], origin: 'exits' }),
  'execution.flatten': async (n) => ({ ops: [{ kind: 'text', ...asFormatted(exitOutcomesView('🧯 Flatten', n.outcomes, n.brokerPositions, n.notNow)) }], origin: 'flatten' }),
  'execution.reconcile': async ({ report }) => {
    const text = join([fmt`${bold(report.ok ? '🧮 Reconciliation: books match the broker' : '🧮 Reconciliation found differences')}`, ...reconcileLines(report)], '\n');
    return { ops: [{ kind: 'text', ...asFormatted(text) }], origin: 'reconcile' };
  },
  'execution.still-checking': async (n) => ({ ops: [{ kind: 'text', ...asFormatted(stillCheckingText(n)) }], origin: 'execution' }),
  'execution.gave-up': async (n) => {
    const text = join(
      [
        fmt`⚠️ ${bold`Order outcome unknown`} for pick ${n.pickId} after ${String(n.tries)} tries: ${n.error}`,
        'It is never sent twice. Reconciliation compares the broker with our books and reports what it finds; check /orders, or the broker dashboard.',
      ],
      '\n',
    );
    return { ops: [{ kind: 'text', ...asFormatted(text) }], origin: 'execution-failed' };
  },
};

/** Orders open at the broker, in a line; one Courtside did not place says so (it is counted and cancelled all the same). */
function openList(open: { symbol: string; status: string; foreign?: boolean }[]): string {
  return open.map((o) => `${o.symbol} ${o.status}${o.foreign ? ' (not placed by Courtside)' : ''}`).join(', ');
}
