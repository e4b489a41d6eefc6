import { ALERT_KINDS, alertKeys, type Alerts } from '../../trading/alerts/alerts.js';
import type { ExitOutcome } from '../../trading/execution/exit-types.js';

/** An order whose client order id another order holds at the broker, as the alert needs it. */
export interface AmbiguousOrder {
  clientOrderId: string;
  /** The broker's evidence (the adapter's detail), capped at 500 characters here. */
  evidence: string;
}

/**
 * Opens one critical alert per order whose client order id another order holds at the broker
 * (entries, exits, flatten, /close alike): raising it again sends nothing new, so the job's
 * retries and every exits pass may call this freely.
 */
export async function alertAmbiguousOrders(alerts: Pick<Alerts, 'raise'>, broker: string, orders: readonly AmbiguousOrder[]): Promise<void> {
  for (const o of orders) {
    await alerts.raise({
      key: alertKeys.orderAmbiguous(o.clientOrderId),
      kind: ALERT_KINDS.orderAmbiguous,
      severity: 'critical',
      detail: { code: 'order.ambiguous', broker, clientOrderId: o.clientOrderId, evidence: o.evidence.slice(0, 500) },
    });
  }
}

/** Exit outcomes (stops, flatten, /close) whose order id another order holds at the broker. */
export function ambiguousOf(outcomes: readonly ExitOutcome[]): AmbiguousOrder[] {
  return outcomes.flatMap((o) => (o.note.code === 'ambiguous' && o.clientOrderId !== null ? [{ clientOrderId: o.clientOrderId, evidence: o.note.error }] : []));
}
