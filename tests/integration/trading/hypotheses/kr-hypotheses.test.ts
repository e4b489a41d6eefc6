/**
 * Living hypotheses on KR ETFs (issue 15, item 7): incubation over the stored KR DEMO ETFs gives
 * KR hypotheses measured in won on KRX sessions (levels on the KRX ETF tick, the KIS commission),
 * never mixed with US bars; a KR shadow book starts at the KR equity and a KR promotion sizes
 * within it alone; /hypotheses and /hypothesis show KR money as whole won with ₩, never "$".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedKrDemoData } from '../../../../src/adapters/bars/seed.js';
import type { BarsStore } from '../../../../src/adapters/bars/store.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { generateSyntheticSeries } from '../../../../src/adapters/market-data/synthetic/generate-bars.js';
import { weekdaySessions } from '../../../../src/adapters/market-data/synthetic/sessions.js';
import { loadKrEtfUniverse } from '../../../../src/adapters/market-data/universe/kr-universe.js';
import { XKRX_CALENDAR } from '../../../../src/engine/calendar/exchange.js';
import { canonicalString } from '../../../../src/engine/hypotheses/canonical.js';
import { proposeHypotheses } from '../../../../src/engine/hypotheses/generator.js';
import { KR_INCUBATION_CASH } from '../../../../src/engine/hypotheses/market-rules.js';
import { isOnMarketTick } from '../../../../src/engine/market/ticks.js';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { HypothesisBookStore } from '../../../../src/trading/hypotheses/books.js';
import { incubateOne, type StoredEvaluation } from '../../../../src/trading/hypotheses/incubate.js';
import { promoteCardData, qualificationNow } from '../../../../src/trading/hypotheses/promote-card.js';
import { reviewSession } from '../../../../src/trading/hypotheses/session-review.js';
import { HypothesisStore } from '../../../../src/trading/hypotheses/store.js';
import { scanDataUniverse } from '../../../../src/trading/hypotheses/universe.js';
import { hypothesesOverview, hypothesisDetail } from '../../../../src/trading/hypotheses/views.js';
import { sessionOnOrBefore } from '../../../../src/trading/hypotheses/views-sessions.js';
import { StoreScanData } from '../../../../src/trading/scan/store-scan-data.js';
import { promoteCardText } from '../../../../src/bot/views/hypotheses-promote-view.js';
import { hypothesesOverviewText, hypothesisDetailText } from '../../../../src/bot/views/hypotheses-view.js';
import { openBarsTestEnv, type BarsTestEnv } from '../../adapters/bars/helpers.js';

let env: BarsTestEnv;
let bars: BarsStore;
let store: HypothesisStore;
let books: HypothesisBookStore;
const KR = loadKrEtfUniverse();
// Eight plain (1x) ETFs over ~440 KRX sessions: more than one 252-session training window, fast to evaluate.
const PLAIN = KR.filter((e) => e.leverage === 1).slice(0, 8);
const LEVERAGED = KR.find((e) => e.leverage !== 1)!;
const KR_END = '2025-10-02';
const SESSIONS = XKRX_CALENDAR.sessionsBetween('2024-01-02', KR_END);
// Different numbers on purpose: a KR figure that came from the US equity would show.
const US_EQUITY = 100_000;
const KR_EQUITY = 50_000_000;
const equity = async (m: 'US' | 'KR') => (m === 'KR' ? KR_EQUITY : US_EQUITY);

const text = (f: { text: string } | string) => (typeof f === 'string' ? f : f.text);

beforeAll(async () => {
  env = await openBarsTestEnv();
  bars = env.store();
  // US bars beside them: the KR universe must not take any of them.
  const us = Array.from({ length: 3 }, (_, i) => generateSyntheticSeries({ symbol: `US${i}`, sessions: weekdaySessions('2025-10-03', 400), dollarAdv: 5e7 }));
  await bars.writeBars(us.map((series) => ({ symbol: series.symbol, series })), { source: 'csv:test', demo: false });
  await seedKrDemoData(bars, { endDate: KR_END, sessions: SESSIONS, universe: [...PLAIN, LEVERAGED], salt: 3 });
  const uow = new TypeOrmUnitOfWork(env.ds);
  store = new HypothesisStore(uow, new AuditLog(uow));
  books = new HypothesisBookStore(uow);
}, 180_000);
afterAll(async () => {
  await env?.close();
});

describe('KR hypotheses on the KR DEMO ETFs', () => {
  it('the KR universe is the plain KRX ETFs only (no US symbol, no leveraged ETF), DEMO', async () => {
    const u = scanDataUniverse(new StoreScanData(bars, () => KR));
    const got = await u.load('KR');
    expect(got.series.map((s) => s.symbol)).toEqual(PLAIN.map((e) => e.symbol).sort());
    expect(got.demo).toBe(true);
    expect(got.series.every((s) => s.dates.every((d) => XKRX_CALENDAR.isSession(d)))).toBe(true);
    const us = await u.load('US');
    expect(us.series.map((s) => s.symbol)).toEqual(['US0', 'US1', 'US2']);
  });

  it('incubation yields KR hypotheses with market KR and won figures; promotion sizes within the KR equity; the views show ₩', async () => {
    const defs = proposeHypotheses({ market: 'KR', existing: [], incubating: 0 }).proposals.slice(0, 2);
    expect(defs.every((d) => d.market === 'KR')).toBe(true);
    const proposed = await store.propose('KR', SESSIONS.at(-2)!, defs.map((definition) => ({ definition, canonical: canonicalString(definition) })), 'generator');
    expect(proposed).toHaveLength(2);
    const universe = scanDataUniverse(new StoreScanData(bars, () => KR));

    // (1) Incubation: a KR verdict over KRX sessions, its equity in won from ₩100,000,000.
    const r = await incubateOne({ store, universe }, proposed[0]!.id, { session: KR_END });
    expect(r.kind).toBe('transitioned');
    if (r.kind !== 'transitioned') return;
    expect(r.hypothesis.market).toBe('KR');
    expect(r.record.demo).toBe(true);
    expect(r.record.data.symbols).toBe(PLAIN.length);
    expect(XKRX_CALENDAR.isSession(r.record.data.firstDate) && XKRX_CALENDAR.isSession(r.record.data.lastDate)).toBe(true);
    const ev = (await store.get(r.hypothesis.id))!.evaluation as StoredEvaluation;
    expect(ev.equity.values[0]).toBe(KR_INCUBATION_CASH);
    expect(ev.equity.dates.every((d) => XKRX_CALENDAR.isSession(d))).toBe(true);
    // Deflated only over KR evaluations: the first KR one is its own only trial.
    expect(r.record.deflated.trials).toBe(1);

    // /hypothesis: the OOS equity in whole won.
    const detail = text(hypothesisDetailText((await hypothesisDetail(store, r.hypothesis.id))!));
    const first = Math.round(ev.equity.values[0]!);
    const last = Math.round(ev.equity.values.at(-1)!);
    expect(detail).toContain(`₩${first.toLocaleString('en-US')} → ₩${last.toLocaleString('en-US')}`);
    expect(detail).toContain(`(${last >= first ? '+' : ''}${(((last - first) / first) * 100).toFixed(1)}%)`);
    expect(detail).not.toContain('$');
    expect(detail).toContain('KST');

    // (2) The other one made PAPER by hand (DEMO bars rarely pass), with the centre's params: its book is reviewed.
    const paper = proposed[1]!;
    const moved = await store.transition(paper.id, paper.version, { kind: 'incubation_passed' }, {
      actor: 'test',
      session: SESSIONS.at(-70)!, // under 90 sessions: the review keeps it in PAPER
      figures: {},
      extras: { params: { ...paper.definition.centre } },
    });
    expect(moved.ok).toBe(true);
    const review = await reviewSession({ store, books, universe, equity }, 'KR', KR_END);
    expect(review.equity).toBe(KR_EQUITY);
    expect(review.reviewed.map((x) => x.id)).toEqual([paper.id]);
    const reviewed = review.reviewed.find((x) => x.id === paper.id)!;
    expect(reviewed).toBeDefined();
    const snap = (await books.latest(paper.id))!;
    expect(snap.startEquity).toBe(KR_EQUITY);
    expect(snap.equity.dates.every((d) => XKRX_CALENDAR.isSession(d))).toBe(true);
    // Every shadow fill and level sits on the KRX ETF tick of its session (whole won); the book traded.
    expect(snap.trades.lastClosed.length).toBeGreaterThan(0);
    for (const t of snap.trades.lastClosed) {
      expect(isOnMarketTick({ market: 'KR', instrument: 'etf', date: t.entryDate, price: t.entryPrice })).toBe(true);
      expect(isOnMarketTick({ market: 'KR', instrument: 'etf', date: t.signalDate, price: t.stop })).toBe(true);
      expect(isOnMarketTick({ market: 'KR', instrument: 'etf', date: t.exitDate, price: t.exitPrice })).toBe(true);
    }

    // (3) The Promote card's allocation: half-Kelly within the KR equity only, in won.
    const h = (await store.get(paper.id))!;
    const q = await qualificationNow(books, h);
    expect(q.kind).toBe('reviewed');
    if (q.kind !== 'reviewed') return;
    const card = await promoteCardData({ store, books }, h, q);
    expect(card.hypothesis.market).toBe('KR');
    expect(card.sizing.equity).toBe(KR_EQUITY);
    expect(card.sizing.riskDollars).toBeCloseTo(card.sizing.riskFraction * KR_EQUITY, 6);
    const cardText = text(promoteCardText(card, Date.parse('2025-10-02T07:00:00Z')));
    expect(cardText).not.toContain('$');
    expect(cardText).toContain('KST');
    expect(cardText).toContain('₩50,000,000');
    expect(cardText).toContain('₩20,000,000'); // the 40 % cap of the KR equity
    // The risk line recomputes: percentage × equity = the won shown.
    const m = /([\d.]+)% of equity ₩([\d,]+) = ₩([\d,]+) per trade/.exec(cardText);
    expect(m).not.toBeNull();
    const [pct, eq, risk] = [Number(m![1]), Number(m![2]!.replaceAll(',', '')), Number(m![3]!.replaceAll(',', ''))];
    expect(eq).toBe(KR_EQUITY);
    expect(Math.round((pct / 100) * eq)).toBe(risk);
    // The shadow equity line in whole won (no decimals), the return from the two shown values.
    const sm = /Shadow equity ₩([\d,]+) → ₩([\d,]+) \(([+-]?[\d.]+)%\)/.exec(cardText);
    expect(sm).not.toBeNull();
    const [a, b] = [Number(sm![1]!.replaceAll(',', '')), Number(sm![2]!.replaceAll(',', ''))];
    expect(Number(sm![3])).toBeCloseTo(Number((((b - a) / a) * 100).toFixed(1)), 6);

    // (4) /hypotheses: KR grouped apart, its money in ₩ from the KR equity; US hypotheses are not in it.
    const overview = await hypothesesOverview(store, undefined, { equity });
    expect(overview.markets.map((x) => x.market)).toEqual(['KR']);
    const list = text(hypothesesOverviewText(overview));
    expect(list).toContain('KR: ');
    expect(list).toContain('₩50,000,000');
    expect(list).toContain('40% = ₩20,000,000');
    expect(list).not.toContain('$');
    expect(list).toContain(paper.id);
  }, 240_000);

  it('a KR state change is filed under the Seoul session day', () => {
    // 2025-10-02 23:30 UTC = Friday 2025-10-03 08:30 KST: 개천절 (KRX closed), so the session before it, 2025-10-02.
    // New York is still on Thursday 2025-10-02 (a NYSE session).
    const at = Date.parse('2025-10-02T23:30:00Z');
    expect(sessionOnOrBefore('US', at)).toBe('2025-10-02');
    expect(sessionOnOrBefore('KR', at)).toBe('2025-10-02');
    // 2025-10-01 23:30 UTC = Thursday 2025-10-02 08:30 KST (a KRX session); New York is on Wednesday.
    const at2 = Date.parse('2025-10-01T23:30:00Z');
    expect(sessionOnOrBefore('KR', at2)).toBe('2025-10-02');
    expect(sessionOnOrBefore('US', at2)).toBe('2025-10-01');
  });
});
