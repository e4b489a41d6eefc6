/**
 * The Korean-market world of `bench/markets.ts`: a throwaway database holding the KR DEMO ETFs
 * (and, by default, the US default data beside them, as local mode's first start stores both),
 * one KR code with a breakout so every /scan kr has at least one card, and an open position in
 * each market for /positions.
 */
import type { DataSource } from 'typeorm';
import type { BarsStore } from '../../src/adapters/bars/index.js';
import { krDemoEndDate } from '../../src/adapters/bars/seed.js';
import type { Bar } from '../../src/engine/bars.js';
import { XKRX_CALENDAR } from '../../src/engine/calendar/exchange.js';

/** KODEX 200: a plain (1x) ETF of the KR universe file, so the leverage gate keeps it in the scan. */
export const KR_CODE = '069500';
/** The US position's symbol; it has no bars here, so it is priced from its broker mark. */
export const US_SYMBOL = 'SPY';
/** Flat KRX sessions at ₩35,000, then a close at ₩36,500: above the 55-session high (a Donchian breakout). */
const FLAT = 35_000;
const BREAKOUT = 36_500;

/**
 * 260 KRX sessions ending at the last closed one (the KR DEMO data's end): whole won on the 5-won
 * tick, ₩3.5 bn traded a day (far above the traded-value floor). The shape of
 * tests/e2e/markets/kr-approve-kill.test.ts's krBars(), which that test shows yields a KR card.
 */
export function krBreakoutBars(nowMs: number): Bar[] {
  let d = krDemoEndDate(nowMs);
  const dates: string[] = [];
  while (dates.length < 260) {
    dates.unshift(d);
    d = XKRX_CALENDAR.previousSession(d);
  }
  return dates.map((date, i) => {
    const close = i === dates.length - 1 ? BREAKOUT : FLAT;
    return { date, open: FLAT, high: Math.max(close, FLAT + 100), low: FLAT - 100, close, volume: 100_000 };
  });
}

/**
 * Replaces the KR DEMO series of {@link KR_CODE} with the breakout. The DEMO series are random
 * walks: whether one of them signals on a given day depends on the day, so without this a run on
 * some days would time a scan that posts no card at all.
 */
export async function writeKrBreakout(store: BarsStore, nowMs: number): Promise<void> {
  await store.writeBars([{ symbol: KR_CODE, bars: krBreakoutBars(nowMs) }], { source: 'bench-kr', demo: true, mode: 'replace' });
}

/** The positions the book holds: what `/positions` reads. */
export interface HeldPosition {
  symbol: string;
  market: 'US' | 'KR';
  qty: number;
  avgCost: number;
}

export const US_POSITION: HeldPosition = { symbol: US_SYMBOL, market: 'US', qty: 10, avgCost: 500 };
export const KR_POSITION: HeldPosition = { symbol: KR_CODE, market: 'KR', qty: 100, avgCost: 35_000 };

/**
 * Opens a position in our books and the paper book, as a fill would leave them. The US one
 * carries a broker mark (mark-to-market writes one for US positions); the KR one has none (KR
 * marks are not scheduled yet) and is priced from its latest stored close, as /positions does then.
 */
export async function holdPosition(ds: DataSource, p: HeldPosition): Promise<void> {
  const currency = p.market === 'KR' ? 'KRW' : 'USD';
  const stop = p.market === 'KR' ? Math.round(p.avgCost * 0.95) : Math.round(p.avgCost * 95) / 100;
  await ds.query(`INSERT INTO paper_positions (symbol, qty, avg_cost, market, currency) VALUES ($1, $2, $3, $4, $5)`, [p.symbol, p.qty, p.avgCost, p.market, currency]);
  const mark = p.market === 'US' ? { price: Math.round(p.avgCost * 102) / 100, source: 'broker:alpaca-paper' } : null;
  await ds.query(
    `INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, updated_at, market, currency, last_price, last_price_at, last_price_source)
     VALUES ($1, 'donchian', $2, $3, now() - interval '2 days', $4, now(), $5, $6, $7, CASE WHEN $7::numeric IS NULL THEN NULL ELSE now() END, $8)`,
    [p.symbol, p.qty, p.avgCost, stop, p.market, currency, mark?.price ?? null, mark?.source ?? null],
  );
}

/** Removes a position from both books (the US-only run of /positions). */
export async function dropPosition(ds: DataSource, p: HeldPosition): Promise<void> {
  await ds.query(`DELETE FROM positions WHERE symbol = $1`, [p.symbol]);
  await ds.query(`DELETE FROM paper_positions WHERE symbol = $1`, [p.symbol]);
}
