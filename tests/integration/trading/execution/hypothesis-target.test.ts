import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { executeApproval } from '../../../../src/trading/execution/execute.js';
import { loadOpenPositions } from '../../../../src/trading/portfolio/positions.js';
import { makeWorld, type World } from './setup.js';

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.close();
});

/** A pick bound by `strategy`, with the target its levels carry (as the scan stores it). */
async function pickWithTarget(strategy: string, target: number | null): Promise<string> {
  const pickId = await w.pick({ strategy, qty: 5, entry: 10, stop: 9 });
  await w.ds.query(`UPDATE picks SET target = $2, pick_sources = $3 WHERE id = $1`, [pickId, target, JSON.stringify([{ source: strategy, timeStopBars: 5, target }])]);
  return pickId;
}

async function executedPositionTarget(pickId: string): Promise<number | null> {
  const r = await approvePick(w.uow(), { pickId, userId: 42, role: 'trader', now: new Date() });
  if (r.kind !== 'approved') throw new Error(`not approved: ${r.kind}`);
  expect((await executeApproval(w.deps(), r.approvalId)).kind).toBe('filled');
  const rows = (await w.ds.query(`SELECT target::float8 AS target FROM positions`)) as { target: number | null }[];
  expect(rows).toHaveLength(1);
  return rows[0]!.target;
}

describe('the profit target of a position', () => {
  it("is the hypothesis pick's target when a LIVE hypothesis binds the pick", async () => {
    expect(await executedPositionTarget(await pickWithTarget('hyp:h0a1b2c3d', 12.25))).toBe(12.25);
    // /positions reads it from the same row.
    expect((await loadOpenPositions(w.uow())).positions.map((p) => p.target)).toEqual([12.25]);
  });

  it('is none for a hypothesis pick without a target', async () => {
    expect(await executedPositionTarget(await pickWithTarget('hyp:h0a1b2c3d', null))).toBeNull();
  });

  it('is none for a Kobe pick, even one whose levels carry a target: Kobe positions exit as before', async () => {
    expect(await executedPositionTarget(await pickWithTarget('donchian', 12.25))).toBeNull();
  });
});
