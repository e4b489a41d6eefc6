/**
 * A burst of approvals with the execution worker's concurrency raised (WORKER_CONCURRENCY=12,
 * a documented setting: "each run mostly waits on the broker"). Real bot + worker roles in this
 * process, paper broker quoting from stored bars.
 *
 * BUG (src/execution/execute.ts, withApprovalLock): every run holds one pooled Postgres
 * connection for its whole duration (the session advisory lock) and needs a second one for its
 * queries, while the pool has 10 connections (src/db/data-source.ts). With 10 or more runs at
 * once every connection is a lock holder waiting for another connection: nothing progresses,
 * every query fails after connectionTimeoutMillis (10 s), jobs fail and retry into the same
 * wall, and kill-switch reads fail closed, so some approvals are refused "by the kill switch"
 * although nobody engaged it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../../src/adapters/db/data-source.js';
import { insertPick, seedBars, sleep, waitMessage } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const USER = 1;
const N = 20;

let h: Harness;
/** Our own connection: the app's pool is what is under test. */
let probe: DataSource;

beforeAll(async () => {
  h = await startHarness({
    mode: 'token',
    roles: ['bot', 'worker'],
    env: {
      TELEGRAM_ALLOWED_USER_IDS: '1:admin',
      WORKER_CONCURRENCY: '12',
      EXEC_PER_ORDER_BUDGET: '5000',
      EXEC_DAILY_BUDGET: '500000',
      EXEC_MAX_OPEN_POSITIONS: String(N),
    },
  });
  probe = createDataSource(h.dbUrl, { poolSize: 2 });
  await probe.initialize();
  await seedBars(h.running.app, Object.fromEntries(Array.from({ length: N }, (_, i) => [`CON${i}`, 10 + i])));
}, 60_000);

afterAll(async () => {
  await probe?.destroy();
  await h?.stop();
}, 90_000);

describe('a burst of approvals with WORKER_CONCURRENCY=12', () => {
  it('every approval fills within seconds, and none is refused by a kill switch nobody engaged', async () => {
    const picks: string[] = [];
    for (let i = 0; i < N; i++) picks.push(await insertPick(h.running.app.ds, { symbol: `CON${i}`, entry: 10 + i, qty: 10 }));
    const after = h.emulator.lastSeq;
    for (const id of picks) h.emulator.sendUserMessage({ userId: USER, text: `/approve ${id}` });

    const deadline = Date.now() + 25_000;
    let states: { state: string; refused_gate: string | null; n: number }[] = [];
    while (Date.now() < deadline) {
      states = (await probe.query(`SELECT state, refused_gate, count(*)::int AS n FROM approvals GROUP BY 1, 2 ORDER BY 1, 2`)) as typeof states;
      if (states.length === 1 && states[0]!.state === 'filled' && states[0]!.n === N) break;
      await sleep(250);
    }
    const heldLocks = (await probe.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_try_advisory_lock%' AND state = 'idle'`,
    )) as { n: number }[];
    expect(
      { approvals: states.map((s) => `${s.state}${s.refused_gate ? `/${s.refused_gate}` : ''}: ${s.n}`), poolTimeouts: h.logs.some((l) => l.includes('timeout exceeded when trying to connect')) },
      `pooled connections parked on the advisory lock: ${heldLocks[0]?.n}`,
    ).toEqual({ approvals: [`filled: ${N}`], poolTimeouts: false });
    await waitMessage(h.emulator, USER, after, /Bought CON\d+/, 10_000);
  }, 60_000);
});
