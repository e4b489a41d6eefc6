import { afterEach, describe, expect, it } from 'vitest';
import { AlpacaBroker } from '../../../../src/adapters/brokers/alpaca/alpaca-broker.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../../src/dev/alpaca-trading/server.js';
import { brokerChecks } from '../../../../src/trading/preflight/broker-checks.js';
import { runPreflight } from '../../../../src/trading/preflight/run.js';
import { ALWAYS_OPEN } from '../../../../src/engine/market-hours.js';

/**
 * The emulator's planted clock skew (src/dev/alpaca-trading/README.md, "Clock skew"):
 * the clock's timestamp and every Date header move by it; the preflight's skew check,
 * through the real adapter, measures it.
 */

const KEY_ID = 'PKSKEWKEY';
const SECRET = 'skew-secret-value';
const auth = { 'APCA-API-KEY-ID': KEY_ID, 'APCA-API-SECRET-KEY': SECRET };

let emu: AlpacaTradingEmulator | undefined;

afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function clockOf(e: AlpacaTradingEmulator, headers: Record<string, string> = auth) {
  const before = Date.now();
  const res = await fetch(`${e.url}/v2/clock`, { headers });
  const body = (await res.json()) as { timestamp?: string };
  return { status: res.status, before, after: Date.now(), date: Date.parse(res.headers.get('date') ?? ''), timestamp: body.timestamp ? Date.parse(body.timestamp) : Number.NaN };
}

describe('the Alpaca trading emulator: planted clock skew', () => {
  it('shifts the clock timestamp and the Date header; setClockSkew changes it while running', async () => {
    emu = await startAlpacaTradingEmulator({ keyId: KEY_ID, secretKey: SECRET, clockSkewMs: 5_000 });
    const a = await clockOf(emu);
    expect(a.status).toBe(200);
    expect(a.timestamp - a.before).toBeGreaterThanOrEqual(5_000);
    expect(a.timestamp - a.after).toBeLessThanOrEqual(5_000);
    // The Date header has whole seconds.
    expect(a.date - a.before).toBeGreaterThan(3_900);
    expect(a.date - a.after).toBeLessThan(6_000);

    emu.setClockSkew(-3_000);
    const b = await clockOf(emu);
    expect(b.before - b.timestamp).toBeGreaterThanOrEqual(2_900);
    expect(b.before - b.timestamp).toBeLessThanOrEqual(3_100 + (b.after - b.before));
    // Refusals carry the broker's Date too.
    const refused = await clockOf(emu, { 'APCA-API-KEY-ID': KEY_ID, 'APCA-API-SECRET-KEY': 'wrong' });
    expect(refused.status).toBe(403);
    expect(refused.before - refused.date).toBeGreaterThan(1_900);

    emu.setClockSkew(0);
    const c = await clockOf(emu);
    expect(Math.abs(c.timestamp - c.before)).toBeLessThan(1_000);
  });

  it('the preflight measures it through the real adapter: ✗ at +5 s with the skew, ✓ without', async () => {
    emu = await startAlpacaTradingEmulator({ keyId: KEY_ID, secretKey: SECRET, clockSkewMs: 5_000 });
    const broker = new AlpacaBroker({ keyId: KEY_ID, secretKey: SECRET, baseUrl: emu.url, name: 'alpaca-live' });
    const checks = () => brokerChecks({ kind: 'alpaca-live', baseUrl: emu!.url, perOrderBudget: 5_000, hours: ALWAYS_OPEN, now: Date.now, broker: () => broker });
    const skewed = (await runPreflight(checks())).results.find((r) => r.id === 'broker.alpaca-live.clock-skew')!;
    expect(skewed.level).toBe('fail');
    expect(skewed.saw).toMatch(/\+5\.0 s ahead of this machine/);

    emu.setClockSkew(0);
    const fine = (await runPreflight(checks())).results.find((r) => r.id === 'broker.alpaca-live.clock-skew')!;
    expect(fine.level).toBe('pass');
  });
});
