import type { ReconcileFix, ReconcileMismatch, ReconcileReport } from '../../trading/execution/reconcile.js';

/** A reconciliation in words: a headline, then one line per fix (✔) and per mismatch (⚠). */
export function reconcileLines(r: ReconcileReport): string[] {
  return [reconcileHeadline(r.broker, r.fixed.length, r.mismatches.length), ...reconcileItemLines(r.broker, r.fixed, r.mismatches)];
}

/** The headline of a reconciliation; the counts are given apart so a capped copy of the report (an alert's) still says how many. */
export function reconcileHeadline(broker: string, fixed: number, mismatches: number): string {
  const n = mismatches;
  return `Reconciliation with ${broker}: ${fixed} fixed, ${n} mismatch${n === 1 ? '' : 'es'}${n === 0 ? ' — books agree.' : '.'}`;
}

/** One line per fix (✔) and per mismatch (⚠). */
export function reconcileItemLines(broker: string, fixed: readonly ReconcileFix[], mismatches: readonly ReconcileMismatch[]): string[] {
  return [...fixed.map((f) => `✔ ${fixLine(f, broker)}`), ...mismatches.map((m) => `⚠ ${mismatchLine(m, broker)}`)];
}

function fixLine(f: ReconcileFix, broker: string): string {
  const kind = f.kind === 'booked_exit' ? 'exit' : 'entry';
  return `Booked our ${kind} order ${f.clientOrderId} (${f.symbol} ${f.strategy}): ${f.status} at ${broker}, ${f.filledQty}/${f.qty} filled${f.avgFillPrice !== null ? ` @ ${f.avgFillPrice}` : ''}.`;
}

function mismatchLine(m: ReconcileMismatch, broker: string): string {
  const ours = `${m.orderKind ?? 'entry'} order ${m.clientOrderId ?? ''} (${m.symbol ?? ''})`;
  const o = m.order;
  const what = o ? `${o.side} ${o.qty} ${o.symbol}${o.limitPrice !== null ? ` @ ${o.limitPrice}` : ''} (${o.status}, client id ${o.clientOrderId})` : '';
  switch (m.kind) {
    case 'lookup_failed':
      return `Could not look up our ${ours}: ${m.error ?? ''}. Run /reconcile again later.`;
    case 'missing_at_broker':
      return `Our ${ours} was sent but ${broker} does not show it. It is never re-sent; if it stays missing, close it by hand.`;
    case 'never_sent':
      return `Our ${ours} was written but never sent (its job stopped first). Running the ${m.orderKind === 'exit' ? 'exits' : 'execution'} job again sends or closes it.`;
    case 'fix_failed':
      return `Our ${ours} is ${m.status ?? ''} at ${broker} but could not be booked (${m.error ?? ''}). Run /reconcile again; if it repeats, check the logs.`;
    case 'broker_unreadable':
      return `Could not list ${m.what ?? 'open orders'} at ${broker}: ${m.error ?? ''}. Run /reconcile again later.`;
    case 'unknown_broker_order':
      return `Orphan at ${broker}: open order ${what} is not ours. Cancel it at the broker (or /kill) if nobody placed it by hand.`;
    case 'open_at_broker_booked_here':
      return `Open order ${what} is still working at ${broker} but our books closed it. Cancel it at the broker, then run /reconcile again.`;
    case 'qty':
      return `${m.symbol ?? ''}: our books hold ${m.ours ?? 0}${m.parts !== undefined ? ` (${m.parts})` : ''}, ${broker} holds ${m.broker ?? 0}. Check recent fills; orders are never placed to fix this automatically.`;
    case 'avg_cost':
      return `${m.symbol ?? ''}: our average cost ${m.ours ?? 0} differs from ${broker}'s ${m.broker ?? 0} by ${(m.diffPct ?? 0).toFixed(2)}% (> ${m.tolerancePct ?? 0}%). P&L figures may be off until the books are corrected.`;
  }
}
