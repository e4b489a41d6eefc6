import { randomUUID } from 'node:crypto';
import { PaperBroker } from '../../../../src/adapters/brokers/paper/paper-broker.js';
import type { ExitDeps } from '../../../../src/trading/execution/exits.js';
import type { ExitsWorld } from './exits-setup.js';

/**
 * Instants on KRX's clock (KST = UTC+9, no summer time). Tue 2025-07-08 is a KRX
 * session; at these instants New York is still on Mon 2025-07-07 (or the NYSE is
 * closed), so a run judged on New York's clock would do nothing or date it wrong.
 */
export const KST = {
  /** Tue 2025-07-08 11:00 KST (Mon 22:00 EDT): continuous session, before the time-stop window. */
  midday: new Date('2025-07-08T02:00:00Z'),
  /** Tue 2025-07-08 15:10 KST: inside the 15-minute time-stop window before the 15:20 closing auction. */
  beforeAuction: new Date('2025-07-08T06:10:00Z'),
  /** Tue 2025-07-08 15:25 KST: the closing single-price auction (no IOC taken). */
  auction: new Date('2025-07-08T06:25:00Z'),
} as const;

/** A KR world on top of the exit tests' world: a real KR paper book (won, KRX grid and hours) on a settable clock. */
export interface KrBook {
  broker: PaperBroker;
  /** Sets the clock both the broker and the exits run read. */
  at(d: Date): void;
  deps(over?: Partial<ExitDeps>): ExitDeps;
  /** A KR position as a KR fill leaves it: bought at the KR paper book and in our books (KR, KRW). */
  hold(p: { symbol: string; qty: number; price: number; stop: number | null; timeStopDate?: string | null }): Promise<void>;
  krSells(): Promise<number>;
}

export function krBook(w: ExitsWorld): KrBook {
  let now = KST.midday.getTime();
  const broker = new PaperBroker({ ds: w.ds, market: 'KR', quoteSource: (s) => w.quoteProvider.latestQuote(s), startingCash: 100_000_000, pollMs: 10, now: () => now });
  const quote = (symbol: string, bid: number, ask: number) => w.quotes.set(symbol, { bid, ask, bidSize: 10_000, askSize: 10_000, time: '2025-07-08T02:00:00Z' });
  return {
    broker,
    at: (d) => {
      now = d.getTime();
    },
    deps: (over = {}) => w.exitDeps({ market: 'KR', broker, now: () => new Date(now), ...over }),
    async hold(p) {
      const before = w.quotes.get(p.symbol);
      const at = now;
      now = KST.midday.getTime();
      quote(p.symbol, p.price - 5, p.price);
      const b = await broker.submitOrder({ clientOrderId: `seed-${randomUUID()}`, symbol: p.symbol, side: 'buy', qty: p.qty, type: 'limit', limitPrice: p.price, timeInForce: 'ioc' });
      if (b.filledQty !== p.qty) throw new Error(`seed buy of ${p.symbol} did not fill: ${b.status} ${b.rejectReason ?? ''}`);
      now = at;
      if (before) w.quotes.set(p.symbol, before);
      await w.ds.query(
        `INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, time_stop_date, updated_at, market, currency) VALUES ($1, 'donchian', $2, $3, now(), $4, $5, now(), 'KR', 'KRW')`,
        [p.symbol, p.qty, p.price, p.stop, p.timeStopDate ?? null],
      );
    },
    krSells: () => w.count(`SELECT count(*)::int AS n FROM paper_orders WHERE market = 'KR' AND side = 'sell'`),
  };
}
