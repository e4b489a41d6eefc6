import { describe, expect, it } from 'vitest';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { PicksRepo } from '../../../../src/trading/scan/picks-repo.js';
import { dataSourcePerTest } from '../../../helpers/pg.js';

const db = dataSourcePerTest();
const NOW = new Date('2026-12-07T15:00:00Z');

async function seed(): Promise<PicksRepo> {
  const ds = db.ds();
  for (const run of ['run-1', 'run-2']) {
    await ds.query(`INSERT INTO scan_runs (id, requested_by, chat_id, as_of, strategies, status, symbols, demo) VALUES ($1, 7, 7, '2026-12-07', '{donchian}', 'running', 2, false)`, [run]);
  }
  for (const [id, symbol] of [['p-a', 'AAA'], ['p-b', 'BBB']] as const) {
    await ds.query(
      `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, atr, score, qty, dollar_risk, reasons, demo, expires_at)
       VALUES ($1, 'run-1', '2026-12-07', $2, 'donchian', 10, 9, 0.5, 1, 10, 10, '[]', false, '2026-12-07T21:00:00Z')`,
      [id, symbol],
    );
  }
  return new PicksRepo(new TypeOrmUnitOfWork(ds));
}

/**
 * Which cards a scan run posts (issue 13, item 5) must survive a retry of the
 * run's finish job: BullMQ re-runs `scan.finish` when a publish after the claim
 * threw, and the retry must post the same cards, not call them all "held".
 */
describe('claiming pick cards for a scan run', () => {
  it('a retry of the same run gets the same cards again; another run gets none of them', async () => {
    const repo = await seed();
    const first = await repo.claimCards('run-1', ['p-a', 'p-b'], NOW);
    expect([...first].sort()).toEqual(['p-a', 'p-b']);
    const retry = await repo.claimCards('run-1', ['p-a', 'p-b'], NOW);
    expect([...retry].sort()).toEqual(['p-a', 'p-b']);
    const rescan = await repo.claimCards('run-2', ['p-a', 'p-b'], NOW);
    expect([...rescan]).toEqual([]);
  });

  it('a decided pick is not claimed', async () => {
    const repo = await seed();
    await db.ds().query(`UPDATE picks SET state = 'REJECTED' WHERE id = 'p-b'`);
    expect([...(await repo.claimCards('run-1', ['p-a', 'p-b'], NOW))]).toEqual(['p-a']);
  });
});
