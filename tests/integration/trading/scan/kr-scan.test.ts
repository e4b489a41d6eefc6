/**
 * /scan kr through the scan use cases and Postgres (issue 15): the KR DEMO ETFs scanned on their
 * own run (scan_runs.market KR), picks stored as KR/KRW with entry, stop and target whole won on
 * the KRX ETF tick of the session, leveraged and inverse ETFs left out unless allowed; and the US
 * scan and digest read exactly what they read before the KR DEMO was seeded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedKrDemoData } from '../../../../src/adapters/bars/seed.js';
import type { BarsStore } from '../../../../src/adapters/bars/store.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { generateSyntheticSeries } from '../../../../src/adapters/market-data/synthetic/generate-bars.js';
import { weekdaySessions } from '../../../../src/adapters/market-data/synthetic/sessions.js';
import { loadKrEtfUniverse } from '../../../../src/adapters/market-data/universe/kr-universe.js';
import { isOnMarketTick } from '../../../../src/engine/market/ticks.js';
import { STRATEGY_IDS } from '../../../../src/engine/signal.js';
import { hasDemoData, loadFreshness } from '../../../../src/trading/digest/queries.js';
import { marketsWithBars } from '../../../../src/trading/scan/markets-with-bars.js';
import { PicksRepo } from '../../../../src/trading/scan/picks-repo.js';
import { finishScanRun, scanChunk, startScanRun, type ScanSettings } from '../../../../src/trading/scan/scan-run.js';
import { StoreScanData } from '../../../../src/trading/scan/store-scan-data.js';
import { openBarsTestEnv, type BarsTestEnv } from '../../adapters/bars/helpers.js';

let env: BarsTestEnv;
let store: BarsStore;
const KR = loadKrEtfUniverse();
const LEVERAGED = new Set(KR.filter((e) => e.leverage !== 1).map((e) => e.symbol));
// Salt 10 of the KR DEMO generator signals on its last session (2025-10-02), a 2x and an inverse ETF among them.
const KR_END = '2025-10-02';
const KR_SALT = 10;
const US_AS_OF = '2025-10-03';
const SETTINGS: Pick<ScanSettings, 'topN' | 'pickTtlMs' | 'sizing'> = { topN: 10, pickTtlMs: 30 * 60_000, sizing: { equity: 100_000, riskFraction: 0.005, maxPositionFraction: 0.1 } };
const notSeeding = { isSeeding: async () => false };

/** A whole scan of one market (start, one chunk per slice, finish) as the scan jobs run it; no journal. */
async function scanMarket(market: 'US' | 'KR', runId: string, kr: ScanSettings['kr'] = {}) {
  const repo = new PicksRepo(new TypeOrmUnitOfWork(env.ds), null);
  const data = new StoreScanData(store, () => KR);
  const plan = await startScanRun({ data, seeding: notSeeding, runs: repo }, { id: runId, requestedBy: 7, chatId: 7, strategies: [...STRATEGY_IDS], market }, 25, kr);
  const chunks = [];
  for (const symbols of plan.chunks) chunks.push(await scanChunk(data, symbols, plan.asOf, STRATEGY_IDS, [], { market, kr }));
  const summary = await finishScanRun({ data, runs: repo }, { ...SETTINGS, kr }, { id: runId, strategies: STRATEGY_IDS, chunks, market }, Date.parse(`${plan.asOf}T01:00:00Z`));
  return { plan, chunks, summary };
}

/** What the US scan and the digest read, to compare before and after the KR DEMO lands. */
async function usView(runId: string) {
  const { plan, chunks, summary } = await scanMarket('US', runId);
  const db = new TypeOrmUnitOfWork(env.ds);
  return {
    asOf: plan.asOf,
    symbols: plan.symbols,
    signals: chunks.flatMap((c) => c.signals),
    top: summary.top.map((p) => [p.symbol, p.strategy, p.entry, p.stop, p.target, p.qty, p.dollarRisk]),
    demo: await hasDemoData(db),
    freshness: await loadFreshness(db, US_AS_OF),
  };
}

let usBefore: Awaited<ReturnType<typeof usView>>;

beforeAll(async () => {
  env = await openBarsTestEnv();
  store = env.store();
  // Real (not DEMO) US bars: the digest's DEMO flag must stay off when only KR DEMO bars arrive.
  const sessions = weekdaySessions(US_AS_OF, 400);
  const us = Array.from({ length: 30 }, (_, i) => generateSyntheticSeries({ symbol: `US${String(i).padStart(2, '0')}`, sessions, dollarAdv: 5e7 }));
  await store.writeBars(us.map((series) => ({ symbol: series.symbol, series })), { source: 'csv:test', demo: false });
  usBefore = await usView('us-before');
  await seedKrDemoData(store, { endDate: KR_END, salt: KR_SALT });
}, 120_000);
afterAll(async () => {
  await env?.close();
});

describe('/scan kr on the KR DEMO ETFs', () => {
  it('a /scan without a market word scans both markets once KR bars are stored', async () => {
    expect(await marketsWithBars(new TypeOrmUnitOfWork(env.ds))).toEqual(['US', 'KR']);
  });

  it('makes KR picks in whole won on the KRX ETF tick, stored as KR/KRW, without leveraged or inverse ETFs', async () => {
    const { plan, summary } = await scanMarket('KR', 'kr-plain');
    expect(plan.asOf).toBe(KR_END);
    expect(plan.demo).toBe(true);
    const scanned = plan.chunks.flat();
    expect(scanned.length).toBe(KR.length - LEVERAGED.size);
    expect(scanned.filter((s) => LEVERAGED.has(s))).toEqual([]);
    expect(plan.leveragedLeftOut?.sort()).toEqual([...LEVERAGED].sort());
    expect(summary.top.length).toBeGreaterThan(0);
    for (const p of summary.top) {
      expect(LEVERAGED.has(p.symbol), p.symbol).toBe(false);
      for (const level of [p.entry, p.stop, ...(p.target === null ? [] : [p.target])]) {
        expect(Number.isInteger(level), `${p.symbol} ${level}`).toBe(true);
        expect(isOnMarketTick({ market: 'KR', instrument: 'etf', date: p.sessionDate, price: level }), `${p.symbol} ${level}`).toBe(true);
      }
      // Sized in won (the default ₩100,000,000), so a pick has shares; its risk recomputes from its levels.
      expect(p.qty).toBeGreaterThan(0);
      expect(p.dollarRisk).toBe(p.qty * (p.entry - p.stop));
    }
    const rows = (await env.ds.query(`SELECT DISTINCT market, currency FROM picks WHERE scan_run_id = 'kr-plain'`)) as { market: string; currency: string }[];
    expect(rows).toEqual([{ market: 'KR', currency: 'KRW' }]);
    const run = (await env.ds.query(`SELECT market, symbols FROM scan_runs WHERE id = 'kr-plain'`)) as { market: string; symbols: number }[];
    expect(run).toEqual([{ market: 'KR', symbols: scanned.length }]);
  });

  it('scans leveraged and inverse ETFs when allowLeveraged is on', async () => {
    const { plan, chunks } = await scanMarket('KR', 'kr-leveraged', { allowLeveraged: true });
    expect(plan.chunks.flat().length).toBe(KR.length);
    expect(plan.leveragedLeftOut).toBeUndefined();
    expect(chunks.flatMap((c) => c.signals).some((s) => LEVERAGED.has(s.symbol))).toBe(true);
  });

  it('skips ETFs under the traded-value floor (minTradedValueKr)', async () => {
    const { chunks } = await scanMarket('KR', 'kr-thin', { minTradedValueKr: 1e15 });
    expect(chunks.reduce((a, c) => a + c.evaluated, 0)).toBe(0);
    expect(chunks.flatMap((c) => c.signals)).toEqual([]);
  });

  it('the US scan and the digest read the same as before the KR DEMO was seeded', async () => {
    const after = await usView('us-after');
    expect(after).toEqual(usBefore);
    expect(after.demo).toBe(false);
  });
});
