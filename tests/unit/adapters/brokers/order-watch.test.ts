import { describe, expect, it } from 'vitest';
import { OrderWatch } from '../../../../src/adapters/brokers/alpaca/order-watch.js';
import type { BrokerOrder } from '../../../../src/adapters/brokers/port.js';

const order = (cid: string, submittedAt: string): BrokerOrder => ({
  brokerOrderId: `b-${cid}`,
  clientOrderId: cid,
  symbol: 'AAA',
  side: 'buy',
  qty: 1,
  filledQty: 0,
  avgFillPrice: null,
  limitPrice: 10,
  status: 'new',
  submittedAt,
  updatedAt: submittedAt,
});

function rig(listed: BrokerOrder[], opts: { listFails?: boolean } = {}) {
  const calls: string[] = [];
  const watch = new OrderWatch(
    async (cid) => {
      calls.push(`one:${cid}`);
      return order(cid, '2026-12-07T15:00:00.000Z');
    },
    async (after) => {
      calls.push(`list:${after}`);
      if (opts.listFails) throw new Error('429');
      return listed;
    },
    5,
  );
  return { watch, calls };
}

describe('OrderWatch', () => {
  it('answers looks that arrive together with ONE list request, from a second before the oldest', async () => {
    const { watch, calls } = rig([order('a', '2026-12-07T15:00:01.000Z'), order('b', '2026-12-07T15:00:05.000Z')]);
    const [a, b] = await Promise.all([watch.look('a', '2026-12-07T15:00:01.000Z'), watch.look('b', '2026-12-07T15:00:05.000Z')]);
    expect(calls).toEqual(['list:2026-12-07T15:00:00.000Z']);
    expect(a?.clientOrderId).toBe('a');
    expect(b?.clientOrderId).toBe('b');
  });

  it('looks one order alone up by its id, and one missing from the list by its id too', async () => {
    const alone = rig([]);
    await alone.watch.look('x', '2026-12-07T15:00:01.000Z');
    expect(alone.calls).toEqual(['one:x']);
    const missing = rig([order('a', '2026-12-07T15:00:01.000Z')]);
    const [, b] = await Promise.all([missing.watch.look('a', '2026-12-07T15:00:01.000Z'), missing.watch.look('b', '2026-12-07T15:00:02.000Z')]);
    expect(missing.calls).toEqual(['list:2026-12-07T15:00:00.000Z', 'one:b']);
    expect(b?.clientOrderId).toBe('b');
  });

  it('a failed list fails every look of the batch (the callers retry), and the next batch starts afresh', async () => {
    const { watch, calls } = rig([], { listFails: true });
    const results = await Promise.allSettled([watch.look('a', '2026-12-07T15:00:01.000Z'), watch.look('b', '2026-12-07T15:00:02.000Z')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await watch.look('c', '2026-12-07T15:00:03.000Z');
    expect(calls).toEqual(['list:2026-12-07T15:00:00.000Z', 'one:c']);
  });
});
