import type { Broker, BrokerOrder, SubmittedOrderRef } from '../../adapters/brokers/port.js';
import { isBrokerError } from '../../lib/broker-errors.js';
import type { BrokerEvidence } from './stuck-types.js';

/**
 * Asks the broker for the order `ref` describes (`findSubmitted`, never a
 * POST) and words what it said as evidence: `found` (figures only), `none`,
 * or `lookup_failed` — which also covers a DIFFERENT order under our client
 * order id (`otherOrder`), since that says nothing about ours. Errors other
 * than broker errors propagate. `text` scrubs and caps the error text.
 */
export async function lookUpEvidence(broker: Pick<Broker, 'name' | 'findSubmitted'>, ref: SubmittedOrderRef, text: (s: string) => string): Promise<{ found: BrokerOrder | null; evidence: BrokerEvidence }> {
  try {
    const found = await broker.findSubmitted(ref);
    return { found, evidence: found ? foundEvidence(broker.name, found) : { kind: 'none', broker: broker.name } };
  } catch (e) {
    if (!isBrokerError(e)) throw e;
    return { found: null, evidence: { kind: 'lookup_failed', broker: broker.name, error: text(e.message), ...(e.kind === 'ambiguous' ? { otherOrder: true } : {}) } };
  }
}

/** What the broker showed, as evidence (figures only). */
export function foundEvidence(broker: string, b: BrokerOrder): BrokerEvidence {
  return {
    kind: 'found',
    broker,
    brokerOrderId: b.brokerOrderId,
    status: b.status,
    qty: b.qty,
    filledQty: b.filledQty,
    avgFillPrice: b.avgFillPrice,
    submittedAt: b.submittedAt,
    updatedAt: b.updatedAt,
  };
}
