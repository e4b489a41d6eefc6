/**
 * The daily budget is Postgres state, not worker memory: it holds across a worker restart.
 *
 * Bot role in this process (token mode); the execution worker is a separate
 * `courtside start --role worker` process with the paper broker (stored-bar quotes),
 * EXEC_PER_ORDER_BUDGET=1000 and EXEC_DAILY_BUDGET=2500: two orders of ~$950 fit, a third does not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../../helpers/env.js';
import {
  approvalOf,
  approvalSettled,
  command,
  count,
  execWorkerReady,
  insertPick,
  seedBars,
  spawnExecWorker,
  textOf,
  waitMessage,
  type ExecWorker,
} from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const USER = 1;
const ALLOWED = '1:admin';
const BUDGET_ENV = { EXEC_PER_ORDER_BUDGET: '1000', EXEC_DAILY_BUDGET: '2500' };

let h: Harness;
const workers: ExecWorker[] = [];

beforeAll(async () => {
  h = await startHarness({ mode: 'token', roles: ['bot'], env: { TELEGRAM_ALLOWED_USER_IDS: ALLOWED, ...BUDGET_ENV } });
  await seedBars(h.running.app, { BUDA: 50, BUDB: 50, BUDC: 50 });
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL').catch(() => undefined)));
  await h?.stop();
});

function worker(): ExecWorker {
  const w = spawnExecWorker({ dbUrl: h.dbUrl, redisUrl: REDIS_URL, prefix: h.prefix, apiRoot: h.emulator.url, allowed: ALLOWED, env: BUDGET_ENV });
  workers.push(w);
  return w;
}

describe('daily budget across a worker restart', () => {
  it('approvals until the budget is used up, restart the worker process: the next approval is refused by PolicyGate with the numbers', async () => {
    const ds = h.running.app.ds;
    const em = h.emulator;
    const spent = async () => Number(((await ds.query(`SELECT COALESCE(SUM(spent), 0) AS s FROM daily_budget`)) as { s: string }[])[0]!.s);

    const w1 = worker();
    await execWorkerReady(w1, ds);
    for (const sym of ['BUDA', 'BUDB']) {
      const pickId = await insertPick(ds, { symbol: sym, entry: 50, stop: 48, qty: 100 });
      const after = em.lastSeq;
      await command(h, USER, `/approve ${pickId}`, new RegExp(`^Approved ${sym}: placing the order now`));
      const a = await approvalSettled(ds, pickId, 30_000, undefined, () => w1.output());
      expect(a.state, JSON.stringify(a.reason_detail)).toBe('filled');
      const msg = await waitMessage(em, USER, after, new RegExp(`Bought ${sym}`), 20_000);
      expect(textOf(msg)).toMatch(/19\/19 shares filled/); // sized down to the $1,000 per-order budget
    }
    const spentBefore = await spent();
    expect(spentBefore).toBeGreaterThan(1_800);
    expect(spentBefore).toBeLessThan(2_000);

    // Restart: a new process with nothing in memory.
    expect(await w1.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    const w2 = worker();
    await execWorkerReady(w2, ds);

    const pickC = await insertPick(ds, { symbol: 'BUDC', entry: 50, stop: 48, qty: 100 });
    const after = em.lastSeq;
    await command(h, USER, `/approve ${pickC}`, /^Approved BUDC: placing the order now/);
    const refused = await approvalSettled(ds, pickC, 30_000, undefined, () => w2.output());
    expect(refused).toMatchObject({ state: 'refused', refused_gate: 'policy' });
    expect(refused.numbers?.dailyBudget).toBe(2_500);
    expect(refused.numbers?.spentToday).toBeCloseTo(spentBefore, 6);
    expect(refused.numbers!.spentToday! + refused.numbers!.notional!).toBeGreaterThan(2_500);

    const msg = await waitMessage(em, USER, after, /Not ordered: BUDC/, 20_000);
    const text = textOf(msg);
    expect(text).toMatch(/refused by PolicyGate/);
    expect(text).toMatch(/already committed today \+ \$9\d\d\.\d\d for this order = \$2,8\d\d\.\d\d, over the daily budget of \$2,500\.00 \(\$5\d\d\.\d\d left\)/);
    expect(text).toMatch(/Numbers: .*daily budget \$2,500\.00/);
    expect(text).toMatch(/spent today \$1,9\d\d\.\d\d/);
    expect(text).toMatch(/budget is used up/);

    // Nothing more was ordered or reserved.
    expect(await count(ds, `SELECT count(*)::int AS n FROM paper_orders`)).toBe(2);
    expect(await spent()).toBeCloseTo(spentBefore, 6);
    expect((await approvalOf(ds, pickC))?.state).toBe('refused');
    expect(await w2.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 120_000);
});
