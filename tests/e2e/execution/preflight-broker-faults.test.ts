/**
 * Issue 20, item 1: the broker's preflight checks against the Alpaca emulators, through the real
 * bot + worker roles on BROKER=alpaca-paper (which runs the preflight at start-up too, but never
 * blocks entries on it).
 *
 * - Keys the broker refuses: the start-up run records "the broker refused the keys" with the fix
 *   naming APCA_API_KEY_ID / APCA_API_SECRET_KEY and which keys go with which URL; admins get a
 *   (warning) alert.
 * - An account flag set at the broker: a run gives the flag's ✗, naming it.
 * - A paper account with a failing run still trades (not gated), and a passing run resolves the alert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlpacaRig, type AlpacaRig } from '../../helpers/alpaca-harness.js';
import { ALPACA_KEY_ID, approvalOf, command, count, insertPick, until, waitMessage } from '../../helpers/execution.js';
import { runStartupPreflight } from '../../../src/app/startup-preflight.js';
import type { PreflightResult } from '../../../src/trading/preflight/types.js';

const ADMIN = 1;
const TRADER = 2;

const byId = (results: readonly PreflightResult[], id: string) => results.find((r) => r.id === id)!;

describe('keys the broker refuses', () => {
  let rig: AlpacaRig;
  beforeAll(async () => {
    // The app sends the usual test keys; this broker knows another secret for the key id: Alpaca answers 403.
    rig = await startAlpacaRig({ symbols: { PFKA: 20 }, users: `${ADMIN}:admin,${TRADER}:trader`, emulator: { keyId: ALPACA_KEY_ID, secretKey: 'a-secret-the-app-does-not-have' } });
  }, 60_000);
  afterAll(async () => {
    await rig?.stop();
  });

  it('the start-up run records ✗ "the broker refused the keys" with the fix; admins get a warning', async () => {
    const ds = rig.h.running.app.ds;
    const run = await until(
      'the start-up preflight recorded',
      async () => ((await ds.query(`SELECT level, by, results FROM preflight_runs ORDER BY id LIMIT 1`)) as { level: string; by: string; results: PreflightResult[] }[])[0],
      20_000,
    );
    expect(run.by).toMatch(/^startup:worker:/);
    expect(run.level).toBe('fail');
    const keys = byId(run.results, 'broker.alpaca-paper.credentials');
    expect(keys.level).toBe('fail');
    expect(keys.saw).toMatch(/^the broker refused the keys \(HTTP 403\) at http:\/\/127\.0\.0\.1:\d+/);
    expect(keys.fix).toContain('APCA_API_KEY_ID and APCA_API_SECRET_KEY');
    expect(keys.fix).toContain('paper keys work only with BROKER=alpaca-paper (https://paper-api.alpaca.markets), live keys only with BROKER=alpaca-live (https://api.alpaca.markets)');
    // Neither key is ever kept in what a run records.
    expect(JSON.stringify(run.results)).not.toContain('a-secret-the-app-does-not-have');
    expect(JSON.stringify(run.results)).not.toContain('e2e_execution_secret_do_not_log_01');
    // A paper account: admins are warned, entries are not blocked by it.
    expect(await count(ds, `SELECT count(*)::int AS n FROM alerts WHERE key = 'preflight.failed' AND resolved_at IS NULL AND severity = 'warning'`)).toBe(1);
  }, 40_000);
});

describe('account flags and a paper account', () => {
  let rig: AlpacaRig;
  beforeAll(async () => {
    rig = await startAlpacaRig({ symbols: { PFFA: 20 }, users: `${ADMIN}:admin,${TRADER}:trader` });
  }, 60_000);
  afterAll(async () => {
    await rig?.stop();
  });

  it('a flag set at the broker is a ✗ naming it; a failing run does not block paper entries; a passing run resolves the alert', async () => {
    const { h, trading } = rig;
    const app = h.running.app;
    // The start-up run first (its result does not matter here: the test seeds its bars after it).
    await until('the start-up preflight recorded', async () => ((await count(app.ds, `SELECT count(*)::int AS n FROM preflight_runs`)) > 0 ? true : undefined), 20_000);

    trading.setAccountFlags({ trading_blocked: true });
    const flagged = await runStartupPreflight(app, 'e2e');
    expect(flagged?.level).toBe('fail');
    const flags = byId(flagged!.results, 'broker.alpaca-paper.account-flags');
    expect(flags.level).toBe('fail');
    expect(flags.saw).toBe('alpaca-paper reports trading_blocked (account status ACTIVE): it refuses every new order');
    expect(flags.fix).toMatch(/Alpaca dashboard/);
    expect(byId(flagged!.results, 'broker.alpaca-paper.credentials').level).toBe('pass');
    trading.setAccountFlags({ trading_blocked: false });

    // Paper is not gated: with a ✗ recorded (a planted skew), an Approve still goes through.
    trading.setClockSkew(5_000);
    const skewed = await runStartupPreflight(app, 'e2e');
    expect(byId(skewed!.results, 'broker.alpaca-paper.clock-skew')).toMatchObject({ level: 'fail' });
    const pickId = await insertPick(app.ds, { symbol: 'PFFA', entry: 20, qty: 5 });
    const after = h.emulator.lastSeq;
    await command(h, TRADER, `/approve ${pickId}`, /^Approved PFFA: placing the order now/);
    await waitMessage(h.emulator, TRADER, after, /Bought PFFA/, 20_000);
    expect((await approvalOf(app.ds, pickId))!.state).toBe('filled');

    // Fixed: a passing run resolves the alert (and admins hear it recovered).
    trading.setClockSkew(0);
    const fixed = await runStartupPreflight(app, 'e2e');
    expect(fixed!.results.filter((r) => r.level === 'fail'), JSON.stringify(fixed!.results)).toEqual([]);
    expect(await count(app.ds, `SELECT count(*)::int AS n FROM alerts WHERE key = 'preflight.failed' AND resolved_at IS NOT NULL`)).toBe(1);
    await waitMessage(h.emulator, ADMIN, 0, /A preflight passed \(e2e, .*\): new entries are allowed again/, 15_000);
  }, 60_000);
});
