/**
 * A flatten carries the kill epoch of its confirmation (issue 12, item 3) and re-reads the
 * kill switch before each sell: when the epoch moved (a /resume, a new /kill) it stops — no
 * more sells — and each position it did not sell says why. Real Postgres, Redis and the
 * paper broker.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flattenAll } from '../../../../src/trading/execution/exits.js';
import { exitLine } from '../../../../src/bot/views/exit-view.js';
import { AT, makeExitsWorld, type ExitsWorld } from './exits-setup.js';
import { wrapBroker } from './setup.js';

let w: ExitsWorld;
beforeEach(async () => {
  w = await makeExitsWorld();
});
afterEach(async () => {
  await w.close();
});

async function holdThree(): Promise<void> {
  await w.hold({ symbol: 'AAA', qty: 5, price: 10, stop: 9 });
  await w.hold({ symbol: 'BBB', qty: 6, price: 10, stop: 9 });
  await w.hold({ symbol: 'CCC', qty: 7, price: 10, stop: 9 });
  for (const s of ['AAA', 'BBB', 'CCC']) w.quote(s, 10.1);
}

describe('flattenAll bound to the kill epoch of its confirmation', () => {
  it('the epoch changes after the first sell (a /resume): the flatten stops before the next sell and says why', async () => {
    await holdThree();
    const confirmed = (await w.killSwitch.engage('panic', 1)).epoch!;
    let sells = 0;
    const broker = wrapBroker(w.paper(), {
      submitOrder: async (req) => {
        const out = await w.paper().submitOrder(req);
        // Right after the first sale an admin resumes trading: the flatten confirmed for `confirmed` must stop.
        if (++sells === 1) await w.killSwitch.resume(1);
        return out;
      },
    });
    const out = await flattenAll(w.exitDeps({ broker }), { now: AT.midday, requestedBy: 1, confirmedEpoch: confirmed });
    expect(sells).toBe(1);
    expect(await w.brokerOrders('sell')).toBe(1);
    expect(out[0]).toMatchObject({ symbol: 'AAA', status: 'filled', filledQty: 5 });
    expect(out.slice(1)).toMatchObject([
      { symbol: 'BBB', status: 'skipped', filledQty: 0, remainingQty: 6, note: { code: 'kill_switch_changed', confirmedEpoch: confirmed, epoch: confirmed + 1 } },
      { symbol: 'CCC', status: 'skipped', filledQty: 0, remainingQty: 7, note: { code: 'kill_switch_changed', confirmedEpoch: confirmed, epoch: confirmed + 1 } },
    ]);
    expect(exitLine(out[1]!)).toMatch(/kill switch changed at \d\d:\d\d/);
    expect(await w.position('BBB')).toMatchObject({ qty: 6 });
    expect(await w.position('CCC')).toMatchObject({ qty: 7 });
    expect(await w.actions()).toContain('flatten.stopped');
  });

  it('a flatten whose confirmation is already out of date sells nothing', async () => {
    await holdThree();
    const first = (await w.killSwitch.engage('panic', 1)).epoch!;
    await w.killSwitch.resume(1);
    await w.killSwitch.engage('again', 1);
    const out = await flattenAll(w.exitDeps(), { now: AT.midday, requestedBy: 1, confirmedEpoch: first });
    expect(await w.brokerOrders('sell')).toBe(0);
    expect(out.map((o) => o.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(out.every((o) => o.note.code === 'kill_switch_changed')).toBe(true);
  });

  it('an unchanged epoch sells every position (the check does not block a good flatten)', async () => {
    await holdThree();
    const epoch = (await w.killSwitch.engage('panic', 1)).epoch!;
    const out = await flattenAll(w.exitDeps(), { now: AT.midday, requestedBy: 1, confirmedEpoch: epoch });
    expect(out.map((o) => o.status)).toEqual(['filled', 'filled', 'filled']);
    expect(await w.brokerOrders('sell')).toBe(3);
  });
  it('the epoch changes between the flatten\'s own check and the POST: the lifecycle\'s pre-POST read stops the sell and records why', async () => {
    await holdThree();
    const confirmed = (await w.killSwitch.engage('panic', 1)).epoch!;
    // The flatten reads the switch once for its audit entry and then before resolving and before placing the first
    // position (reads 1-3); an admin's /resume lands right after them, while the order row is written, so the only
    // read that can still see it is the one right before the POST (read 4): without it, the sell goes out.
    let reads = 0;
    const killSwitch = {
      state: async () => {
        if (++reads === 4) await w.killSwitch.resume(1);
        return w.killSwitch.state();
      },
    };
    const out = await flattenAll(w.exitDeps({ killSwitch }), { now: AT.midday, requestedBy: 1, confirmedEpoch: confirmed });
    expect(await w.brokerOrders('sell')).toBe(0);
    expect(out[0]).toMatchObject({ symbol: 'AAA', status: 'blocked', filledQty: 0, note: { code: 'kill_switch_changed', confirmedEpoch: confirmed, epoch: confirmed + 1 } });
    expect(out.slice(1).map((o) => o.status)).toEqual(['skipped', 'skipped']);
    const rows = await w.uow().rows<{ state: string; reject_detail: unknown }>(`SELECT state, reject_detail FROM orders WHERE kind = 'exit' AND symbol = 'AAA'`);
    expect(rows).toEqual([{ state: 'rejected', reject_detail: { code: 'kill_switch_changed', confirmedEpoch: confirmed, epoch: confirmed + 1 } }]);
    expect(await w.position('AAA')).toMatchObject({ qty: 5 });
  });
});
