/**
 * The robot stops itself (issue 12, item 10), through the real bot and worker roles (this
 * process), BROKER=alpaca-paper against the Alpaca trading emulator, which can be told to refuse.
 *
 * 1. Five approvals the broker refuses, one after another: the worker engages the kill switch on
 *    its own after the fifth outcome (reason `circuit breaker: broker_rejections`), the admin is
 *    told in words, the audit chain holds the five client order ids — and the sixth approve is
 *    refused by the kill switch before anything is ordered.
 * 2. After an admin resumes: a fill, then the session's mark values it at a loss over 3 % of the
 *    equity: the mark job engages the kill switch (reason `circuit breaker: session_loss`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlpacaDataEmulator, type AlpacaDataEmulator } from '../../../src/dev/alpaca-data/server.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../src/dev/alpaca-trading/server.js';
import { periodRange } from '../../../src/trading/portfolio/period.js';
import { alpacaPaperEnv, ALPACA_KEY_ID, ALPACA_SECRET, approvalOf, approvalSettled, command, count, insertPick, seedBars, textOf, until, waitMessage } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const ADMIN = 1;
const SYMBOLS = { REJ: 10, LOSS: 10 } as const;
const quote = (p: number) => ({ bid: p - 0.01, ask: p, bidSize: 100_000, askSize: 100_000 });

let trading: AlpacaTradingEmulator;
let data: AlpacaDataEmulator;
let h: Harness;

beforeAll(async () => {
  const quotes = Object.fromEntries(Object.entries(SYMBOLS).map(([s, p]) => [s, quote(p)]));
  trading = await startAlpacaTradingEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, cash: 100_000, quotes });
  data = await startAlpacaDataEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, quotes });
  h = await startHarness({
    mode: 'token',
    roles: ['bot', 'worker'],
    env: {
      TELEGRAM_ALLOWED_USER_IDS: `${ADMIN}:admin`,
      ...alpacaPaperEnv(trading.url, data.url),
      EXEC_PER_ORDER_BUDGET: '10000',
      EXEC_DAILY_BUDGET: '100000',
      EXEC_MAX_POSITION_PCT: '50',
      // The defaults, said out loud: this is what the test is about.
      CIRCUIT_REJECTS: '5',
      CIRCUIT_DAILY_LOSS_PCT: '3',
    },
  });
  await seedBars(h.running.app, SYMBOLS);
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await data?.close();
  await trading?.close();
});

const ds = () => h.running.app.ds;
const posts = () => trading.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders');
const switchRow = async () => ((await ds().query(`SELECT engaged, epoch::int AS epoch, reason FROM kill_switch WHERE id = 1`)) as { engaged: boolean; epoch: number; reason: string | null }[])[0]!;

async function approve(symbol: keyof typeof SYMBOLS, reply: RegExp): Promise<{ pickId: string; after: number }> {
  const pickId = await insertPick(ds(), { symbol, entry: SYMBOLS[symbol], qty: 2_000 });
  const after = h.emulator.lastSeq;
  await command(h, ADMIN, `/approve ${pickId}`, reply);
  return { pickId, after };
}

describe('the circuit breaker through the worker', () => {
  it('five broker rejections in a row: the kill switch engages itself, the admin is told, the sixth approve is refused', async () => {
    const cids: string[] = [];
    const start = h.emulator.lastSeq;
    for (let i = 0; i < 5; i++) {
      trading.injectFaults({ kind: 'reject', method: 'POST', path: '/v2/orders' }); // 422 insufficient buying power
      const { pickId } = await approve('REJ', /^Approved REJ: placing the order now/);
      const a = await approvalSettled(ds(), pickId, 20_000);
      expect(a).toMatchObject({ state: 'refused', refused_gate: 'broker', reason_detail: { code: 'broker_rejected' } });
      cids.push(`cs-${a.id}`);
    }
    expect(posts()).toHaveLength(5);

    await until('the kill switch to be engaged by the circuit breaker', async () => ((await switchRow()).engaged ? true : undefined), 10_000);
    expect(await switchRow()).toEqual({ engaged: true, epoch: 1, reason: 'circuit breaker: broker_rejections' });

    const alert = await waitMessage(h.emulator, ADMIN, start, /Circuit breaker \(alpaca-paper\): the broker rejected 5 orders in a row/, 20_000);
    for (const cid of cids) expect(textOf(alert)).toContain(cid);
    const proof = (await ds().query(`SELECT payload FROM audit_log WHERE payload->>'action' = 'circuit.tripped'`)) as { payload: Record<string, unknown> }[];
    expect(proof).toHaveLength(1);
    expect(proof[0]!.payload).toMatchObject({ broker: 'alpaca-paper', epoch: 1, trip: { kind: 'broker_rejections', limit: 5, clientOrderIds: cids } });

    // The sixth: refused by the kill switch in the bot, nothing approved, nothing sent.
    const { pickId } = await approve('REJ', /Kill switch is ON \(circuit breaker: broker_rejections\)/);
    expect(await approvalOf(ds(), pickId)).toBeUndefined();
    expect(posts()).toHaveLength(5);
    expect(await count(ds(), `SELECT count(*)::int AS n FROM alerts WHERE key = 'circuit.tripped:alpaca-paper' AND state = 'open'`)).toBe(1);
  }, 90_000);

  it('after a resume: a fill, then a mark that values the session at a loss over 3 % trips it again (session_loss)', async () => {
    await h.running.app.killSwitch.resume(ADMIN); // epoch 2
    const session = periodRange('day', new Date()).to;

    const { pickId, after } = await approve('LOSS', /^Approved LOSS: placing the order now/);
    const a = await approvalSettled(ds(), pickId, 20_000);
    expect(a.state).toBe('filled');
    await waitMessage(h.emulator, ADMIN, after, /Circuit breaker \(alpaca-paper\): the kill switch was resumed/, 20_000);
    // No mark yet: no equity to measure a loss against, so the fill alone trips nothing.
    expect(await switchRow()).toMatchObject({ engaged: false, epoch: 2 });

    // The session closes 40 % lower: about 999 shares × $4 ≈ $4,000, some 4 % of the account.
    await ds().query(
      `INSERT INTO bars_daily (symbol, date, open, high, low, close, volume, source) VALUES ('LOSS', $1, 6, 6, 6, 6, 1000000, 'e2e-execution')
       ON CONFLICT (symbol, date) DO UPDATE SET open = 6, high = 6, low = 6, close = 6`,
      [session],
    );
    trading.setQuote('LOSS', quote(6));
    const before = h.emulator.lastSeq;
    await h.running.app.jobs.add('execution.mark', { date: session }, { jobId: `e2e-circuit-mark-${session}` });

    await until('the mark to trip the circuit breaker', async () => ((await switchRow()).engaged ? true : undefined), 20_000);
    expect(await switchRow()).toEqual({ engaged: true, epoch: 3, reason: 'circuit breaker: session_loss' });
    await waitMessage(h.emulator, ADMIN, before, new RegExp(`Circuit breaker \\(alpaca-paper\\): the loss of session ${session} is -\\$`), 20_000);
    const proof = (await ds().query(`SELECT payload FROM audit_log WHERE payload->>'action' = 'circuit.tripped' ORDER BY seq`)) as { payload: { trip: Record<string, unknown> } }[];
    expect(proof).toHaveLength(2);
    expect(proof[1]!.payload.trip).toMatchObject({ kind: 'session_loss', sessionDate: session, pct: 3 });
    expect(Number(proof[1]!.payload.trip['loss'])).toBeLessThan(Number(proof[1]!.payload.trip['threshold']));
  }, 90_000);
});
