/**
 * Every number a message shows recomputes from the numbers it shows (issue 13, item 8;
 * DESIGN invariant 11), for random signals, stops, quotes and fills: the pick card, the fill
 * confirmation, /orders and both digests are rendered by the real views from data made the way
 * the app makes it (levels on the tick from engine/scan, sizes from suggestSize, IOC limits from
 * the quote, paper-broker fill prices, digest lines from the digest's own arithmetic); the
 * numbers are parsed back out of the text and risk, slippage dollars and notional are
 * recomputed to the cent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { levelsOnTick, suggestSize } from '../../../src/engine/scan/index.js';
import { iocLimitPriceFromAsk, roundToTick } from '../../../src/engine/tick.js';
import { iocSellLimitFromBid } from '../../../src/trading/execution/exit-order.js';
import { positionLine, slippage } from '../../../src/trading/digest/compute.js';
import { cents as reportedCents } from '../../../src/lib/numbers.js';
import type { CloseDigestData, FillLine, MorningDigestData } from '../../../src/trading/digest/types.js';
import type { ExecutionOutcome } from '../../../src/trading/execution/execute.js';
import type { RecentOrder } from '../../../src/trading/portfolio/types.js';
import { pickCaption } from '../../../src/bot/views/pick-card.js';
import { fillConfirmation } from '../../../src/bot/views/fill-view.js';
import { closeDigestView, morningDigestView } from '../../../src/bot/views/digest-view.js';
import { ordersView } from '../../../src/bot/views/orders-view.js';

const cents = (n: number) => Math.round(n * 100);
/** "+$1,234.56" / "-$22.00" / "$0.00" → number. */
function dollars(s: string): number {
  const m = /^([+-]?)\$([\d,]+\.\d\d)$/.exec(s.trim());
  if (!m) throw new Error(`not a dollar amount: ${JSON.stringify(s)}`);
  return (m[1] === '-' ? -1 : 1) * Number(m[2]!.replace(/,/g, ''));
}
const MONEY = String.raw`[+-]?\$[\d,]+\.\d\d`;
/** A price as the US tick allows it: 2 decimals at or above $1, 4 below. */
const onTick = (s: string) => /^[1-9]\d*\.\d\d$/.test(s) || /^0\.\d{4}$/.test(s);
/**
 * A price on the tick, written with no more decimals than the tick has: the fill confirmation
 * prints its stop with exactPrice (2 decimals when it sits on the cent), so a 0.8500 stop reads "0.85".
 */
const onTickValue = (s: string) => onTick(s) || /^0\.\d\d$/.test(s);
/** A shown price in ten-thousandths of a dollar, exactly (shown prices have at most 4 decimals). */
const tenThousandths = (s: string) => Math.round(Number(s) * 1e4);
/**
 * Whether `shown` dollars are qty × (price − stop) to the cent, the product taken exactly from the
 * shown prices. Above $1 the product is whole cents and must match exactly; a sub-dollar stop
 * (0.0001 tick) can leave a fraction of a cent, and the shown figure is then the nearest cent
 * (either one on an exact half cent, where float rounding may pick either).
 */
function riskToTheCent(qty: number, priceShown: string, stopShown: string, shown: number): boolean {
  const exact = Math.max(0, qty * (tenThousandths(priceShown) - tenThousandths(stopShown))); // in $0.0001
  return Math.abs(exact - cents(shown) * 100) <= 50;
}

const KILL = { engaged: false, reason: null, changedBy: null, changedAt: null };
const NOW = new Date('2026-12-04T21:30:00Z'); // Fri Dec 4, 16:30 ET
const SATURDAY = Date.parse('2026-12-05T15:00:00Z'); // Sat 10:00 ET

/** A random signal as a strategy makes it: any close, a stop some ATRs below it (never on the tick by design). */
const signalArb = fc.record({
  close: fc.double({ min: 2, max: 900, noNaN: true }),
  atrFrac: fc.double({ min: 0.005, max: 0.2, noNaN: true }),
  mult: fc.double({ min: 0.5, max: 4, noNaN: true }),
  equity: fc.double({ min: 5_000, max: 2_000_000, noNaN: true }),
  riskFraction: fc.double({ min: 0.001, max: 0.02, noNaN: true }),
  spreadBps: fc.integer({ min: 1, max: 80 }),
  slipBps: fc.integer({ min: 0, max: 30 }),
  fillFrac: fc.double({ min: 0.1, max: 1, noNaN: true }),
  move: fc.double({ min: -0.1, max: 0.1, noNaN: true }),
  prevMove: fc.double({ min: -0.1, max: 0.1, noNaN: true }),
  boughtAfterClose: fc.boolean(),
});

/** A stored-bar quote: half the spread either side of the close, 4 decimals (not on the tick). */
function quote(close: number, spreadBps: number) {
  const half = (close * spreadBps) / 20_000;
  return { bid: Math.round((close - half) * 1e4) / 1e4, ask: Math.round((close + half) * 1e4) / 1e4 };
}

describe('numbers add up (property)', () => {
  it('cards, fill confirmations, /orders and digests: risk, slippage dollars and notional recompute to the cent', () => {
    fc.assert(
      fc.property(signalArb, (g) => {
        // --- The pick card.
        const raw = { close: g.close, stop: g.close * (1 - g.mult * g.atrFrac), target: null };
        const sig = levelsOnTick(raw);
        const size = suggestSize(sig, { equity: g.equity, riskFraction: g.riskFraction, maxPositionFraction: 0.1 });
        fc.pre(size.qty > 0);
        const pick = { id: 'pabc', symbol: 'TOL', strategy: 'donchian', sessionDate: '2026-12-03', entry: sig.close, stop: sig.stop, target: null, qty: size.qty, dollarRisk: size.dollarRisk, reasons: ['x'], demo: false, expiresAt: NOW };
        const card = pickCaption(pick, '11:30 ET').text;
        const [, entry, stop] = /Entry \(limit\) (\S+) · Stop (\S+)/.exec(card)!;
        const [, qty, risk] = new RegExp(`Qty (\\d+) · risk (${MONEY})`).exec(card)!;
        expect(onTick(entry!) && onTick(stop!), card).toBe(true);
        expect(riskToTheCent(Number(qty), entry!, stop!, dollars(risk!)), card).toBe(true);

        // --- The buy: IOC at the ask plus the buffer, filled by the paper broker on the tick.
        const q = quote(sig.close, g.spreadBps);
        const limit = iocLimitPriceFromAsk(q.ask);
        const avg = Math.min(limit, roundToTick(q.ask * (1 + g.slipBps / 10_000), 'up'));
        const filled = Math.max(1, Math.floor(size.qty * g.fillFrac));
        const outcome: ExecutionOutcome = {
          kind: filled === size.qty ? 'filled' : 'partially_filled',
          approvalId: 'a1',
          pickId: pick.id,
          symbol: 'TOL',
          strategy: 'donchian',
          side: 'buy',
          qty: size.qty,
          limitPrice: limit,
          filledQty: filled,
          avgFillPrice: avg,
          filledNotional: filled * avg,
          clientOrderId: 'cs-1',
          brokerOrderId: 'b1',
          broker: 'paper',
          orderState: filled === size.qty ? 'filled' : 'partially_filled',
        } as ExecutionOutcome;
        const conf = fillConfirmation(outcome, { stop: pick.stop, plannedEntry: pick.entry, demo: false, candles: [], positionQty: filled }).text.text;
        const shown = /(\d+)(?:\/\d+ shares filled| of \d+ shares)/.exec(conf)!;
        const [, avgShown, limitShown] = /Avg (\S+) vs limit (\S+)/.exec(conf)!;
        const [, notional, stopShown, riskShown] = new RegExp(`Notional (${MONEY}) · stop (\\S+) \\(risk (${MONEY}) to it\\)`).exec(conf)!;
        const fq = Number(shown[1]);
        expect(onTick(avgShown!) && onTick(limitShown!) && onTickValue(stopShown!), conf).toBe(true);
        expect(cents(fq * Number(avgShown)), conf).toBe(cents(dollars(notional!)));
        expect(riskToTheCent(fq, avgShown!, stopShown!, dollars(riskShown!)), conf).toBe(true);

        // --- /orders lists the same order: its filled qty × avg is the confirmation's notional.
        const order: RecentOrder = {
          id: 'o1', kind: 'entry', exitReason: null, symbol: 'TOL', strategy: 'donchian', side: 'buy', qty: size.qty, filledQty: filled, avgFillPrice: avg, limitPrice: limit,
          state: outcome.kind === 'filled' ? 'filled' : 'canceled', clientOrderId: 'cs-1', shortId: 'cs-1', broker: 'paper', realizedPnl: null, rejectReason: null, brokerReason: null, createdAt: NOW, bookedAt: NOW,
        };
        const listed = ordersView([order]).text;
        const [, oq, oavg] = /BUY TOL (\d+)\/\d+ @ (\S+)/.exec(listed)!;
        const [, olimit] = /limit (\S+)/.exec(listed)!;
        expect(onTick(oavg!) && onTick(olimit!), listed).toBe(true);
        expect(cents(Number(oq) * Number(oavg)), listed).toBe(cents(dollars(notional!)));

        // --- The sell (an exit at the stored-bar bid, not on the tick) and the close digest's rows.
        const exitClose = roundToTick(sig.close * (1 + g.move));
        const sq = quote(exitClose, g.spreadBps);
        const sellLimit = iocSellLimitFromBid(sq.bid);
        const sellPx = Math.max(sellLimit, roundToTick(sq.bid * (1 - g.slipBps / 10_000), 'down'));
        const rows: FillLine[] = [
          { orderId: 'o1', symbol: 'TOL', strategy: 'donchian', side: 'buy', kind: 'entry', qty: filled, avgPrice: avg, ...slippage('buy', avg, pick.entry, filled), lastFillAt: NOW },
          { orderId: 'o2', symbol: 'TOL', strategy: 'donchian', side: 'sell', kind: 'exit', qty: filled, avgPrice: sellPx, ...slippage('sell', sellPx, sq.bid, filled), lastFillAt: NOW },
        ];
        const close: CloseDigestData = {
          kind: 'close', generatedAt: NOW, sessionDate: '2026-12-04', demo: false, killSwitch: KILL,
          pnl: { realized: 0, unrealizedNow: 0, unrealizedPrev: 0, prevMarkDate: null, day: 0, equity: null, prevEquity: null, dayReturn: null, openPositions: 0, unpriced: 0 },
          benchmark: { symbol: 'SPY', close: null, prevClose: null, ret: null, source: null },
          fills: rows, slippageTotal: rows.reduce((s, f) => s + (f.slippageCost ?? 0), 0), exits: [], failures: [], curve: { dates: [], equity: [], benchmark: [] }, auditHead: null,
        };
        const digest = closeDigestView(close).text;
        let sum = 0;
        for (const side of ['BUY', 'SELL']) {
          const line = digest.split('\n').find((l) => l.startsWith(`• ${side} TOL`))!;
          const m = new RegExp(`• ${side} TOL (\\d+) @ (\\S+)(?: \\(exit\\))? · decided (\\S+) · slip ([+-]?[\\d.]+)/sh \\([^)]*\\) = (${MONEY})`).exec(line);
          expect(m, line).not.toBeNull();
          const [, n, px, decided, slip, cost] = m!;
          expect(onTick(px!) && onTick(decided!), line).toBe(true);
          expect(cents(side === 'BUY' ? Number(px) - Number(decided) : Number(decided) - Number(px)), line).toBe(cents(Number(slip)));
          expect(cents(Number(n) * Number(slip)), line).toBe(cents(dollars(cost!)));
          sum += dollars(cost!);
        }
        const total = new RegExp(`Fills \\(2\\) · slippage (${MONEY})`).exec(digest)![1]!;
        expect(cents(dollars(total)), digest).toBe(cents(sum));

        // --- The morning digest: the move counts from the close before, or from the fill for shares bought after it.
        const thu = roundToTick(sig.close * (1 + g.prevMove));
        const fri = exitClose;
        const boughtAt = g.boughtAfterClose ? SATURDAY : Date.parse('2026-12-01T15:00:00Z');
        const line = positionLine(
          { symbol: 'TOL', strategy: 'donchian', qty: filled, avgCost: avg, stop: pick.stop, timeStopDate: null, lastPrice: null, lastPriceDate: null },
          [],
          [{ date: '2026-12-03', price: thu }, { date: '2026-12-04', price: fri }],
          '2026-12-05',
          [{ at: boughtAt, side: 'buy', qty: filled, price: avg }],
        );
        const morning: MorningDigestData = {
          kind: 'morning', generatedAt: new Date(SATURDAY), sessionDate: '2026-12-05', marketOpenToday: false, demo: false, killSwitch: KILL, positions: [line], pendingPicks: [], openApprovals: [],
          budget: { date: '2026-12-05', limit: null, spent: 0, left: null }, scans: [], freshness: { expected: '2026-12-04', sources: [] }, openAlerts: [], auditHead: null,
        };
        const text = morningDigestView(morning).text;
        const pl = text.split('\n').find((l) => l.startsWith('• TOL'))!;
        const mm = new RegExp(`\\((${MONEY})\\) (?:vs \\w+ \\d+ close|since bought \\w+ \\d+ @) (\\S+) · (\\d+) sh @ (\\S+) · P&L (${MONEY})`).exec(pl);
        expect(mm, pl).not.toBeNull();
        const [, move, ref, n, px, pnl] = mm!;
        expect(pl.includes('since bought'), pl).toBe(g.boughtAfterClose);
        expect(cents(Number(n) * (Number(px) - Number(ref))), pl).toBe(cents(dollars(move!)));
        expect(cents(dollars(pnl!)), pl).toBe(cents(reportedCents(Number(n) * (Number(px) - avg))));
      }),
      { numRuns: 300 },
    );
  });
});
