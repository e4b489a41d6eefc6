import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { timeStopDate } from '../../../../src/engine/exits/index.js';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { executeApproval } from '../../../../src/trading/execution/execute.js';
import { makeWorld, type World } from './setup.js';

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.close();
});

/** A pick whose binding source is `strategy`, every source with its own time stop. */
async function pickWithSources(strategy: string, sources: { source: string; timeStopBars: number }[]): Promise<string> {
  const pickId = await w.pick({ strategy, qty: 5, entry: 10, stop: 9 });
  await w.ds.query(`UPDATE picks SET pick_sources = $2 WHERE id = $1`, [pickId, JSON.stringify(sources)]);
  return pickId;
}

async function execute(pickId: string): Promise<{ timeStop: string; budgetDate: string }> {
  const r = await approvePick(w.uow(), { pickId, userId: 42, role: 'trader', now: new Date() });
  if (r.kind !== 'approved') throw new Error(`not approved: ${r.kind}`);
  expect((await executeApproval(w.deps(), r.approvalId)).kind).toBe('filled');
  const rows = (await w.ds.query(
    `SELECT to_char(p.time_stop_date, 'YYYY-MM-DD') AS "timeStop", to_char(o.budget_date, 'YYYY-MM-DD') AS "budgetDate"
       FROM positions p JOIN orders o ON o.symbol = p.symbol AND o.strategy = p.strategy`,
  )) as { timeStop: string; budgetDate: string }[];
  return rows[0]!;
}

describe('the time stop of a position', () => {
  it("is the hypothesis's own time stop (its exits) when a hypothesis source binds the pick", async () => {
    const pickId = await pickWithSources('hyp:h0a1b2c3d', [
      { source: 'donchian', timeStopBars: 5 },
      { source: 'hyp:h0a1b2c3d', timeStopBars: 20 },
    ]);
    const { timeStop, budgetDate } = await execute(pickId);
    expect(timeStop).toBe(timeStopDate(budgetDate, 20));
  });

  it('stays the configured one for a Kobe pick, whatever its sources say', async () => {
    const pickId = await pickWithSources('donchian', [{ source: 'donchian', timeStopBars: 9 }]);
    const { timeStop, budgetDate } = await execute(pickId);
    expect(timeStop).toBe(timeStopDate(budgetDate, w.deps().timeStopBars ?? 5));
    expect(timeStop).not.toBe(timeStopDate(budgetDate, 9));
  });
});
