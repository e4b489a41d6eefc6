/**
 * Pins, bit for bit, what the seeded PRNG streams produce, so moving the
 * generator (issue 17 merged the synthetic generator's copy into the engine's)
 * cannot change a single DEMO bar or Monte Carlo figure. The digests were
 * computed from the code before the merge; a change here means stored DEMO
 * data and published backtest figures would silently differ.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { monteCarlo } from '../../../../src/engine/backtest/monte-carlo.js';
import { mulberry32 } from '../../../../src/engine/backtest/prng.js';
import { drawDays } from '../../../../src/engine/risk/var.js';
import { calibrateCusum } from '../../../../src/engine/risk/drift-cusum.js';
import { SampleCsvProvider } from '../../../../src/adapters/market-data/csv/sample-csv-provider.js';
import { exchangeSessions } from '../../../../src/adapters/market-data/synthetic/exchange-sessions.js';
import { generateSyntheticSeries } from '../../../../src/adapters/market-data/synthetic/generate-bars.js';
import { syntheticInputFor } from '../../../../src/adapters/market-data/synthetic/generate-universe.js';
import { Prng } from '../../../../src/adapters/market-data/synthetic/prng.js';
import { DEFAULT_SYNTHETIC_SESSIONS } from '../../../../src/adapters/market-data/synthetic/synthetic-provider.js';
import { loadDefaultUniverse } from '../../../../src/adapters/market-data/universe/default-universe.js';

const sha = () => createHash('sha256');
const f64 = (xs: ArrayLike<number>) => Buffer.from(Float64Array.from(xs).buffer);

describe('seeded PRNG outputs (pinned checksums)', () => {
  it('the DEMO universe as `data seed` generates it (default universe, salt 0, 2520 sessions) is unchanged', async () => {
    // What runSeed generates: every default-universe symbol that is not a bundled sample.
    const samples = new Set((await new SampleCsvProvider().symbols()).map((s) => s.toUpperCase()));
    const entries = loadDefaultUniverse().entries.filter((e) => !samples.has(e.symbol.toUpperCase()));
    const sessions = exchangeSessions('2026-01-09', DEFAULT_SYNTHETIC_SESSIONS);
    const h = sha();
    h.update(sessions.join(','));
    for (const e of entries) {
      const s = generateSyntheticSeries(syntheticInputFor(e, sessions, 0));
      h.update(e.symbol);
      h.update(s.dates.join(','));
      for (const col of [s.open, s.high, s.low, s.close, s.volume]) h.update(f64(col));
    }
    expect(entries.length).toBe(ENTRIES);
    expect(h.digest('hex')).toBe(DEMO_DIGEST);
  });

  it('one Monte Carlo run, VaR day draws, a drift calibration and the synthetic generator draws with fixed seeds are unchanged', () => {
    const rand = mulberry32(20240610);
    const returns = Array.from({ length: 250 }, () => (rand() - 0.45) * 0.1);
    const mc = monteCarlo(returns, { runs: 2000, seed: 7 });
    const raw = mulberry32(12345);
    const stream = Array.from({ length: 4096 }, () => raw());
    const cal = calibrateCusum(returns, { seed: 3, runs: 500 });
    const h = sha();
    h.update(JSON.stringify(mc));
    h.update(f64(stream));
    h.update(Buffer.from(drawDays(5000, 750, 99).buffer));
    h.update(JSON.stringify(cal));
    const p = new Prng(424242);
    h.update(f64(Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? p.next() : i % 3 === 1 ? p.normal() : p.exponential(20)) + p.uniform(-1, 2))));
    expect(h.digest('hex')).toBe(ENGINE_DIGEST);
  });
});

const ENTRIES = 897;
const DEMO_DIGEST = '9c89ce08ddfa0429ebda953235cde75844c9e0078538ba600a20a70ba5519a98';
const ENGINE_DIGEST = '53d4ff6dd6f01e937f10532bb56526d9e55f03f61aaeb6b0930f8bb6445a4b62';
