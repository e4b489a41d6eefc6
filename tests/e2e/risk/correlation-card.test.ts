/**
 * The correlation line of a pick card, end to end through the real bot and the scan workers (local
 * mode): a near-clone of the scan's best pick is held before /scan; the card of that pick says it
 * moves with the held position and shows the cluster's risk before and after, which recompute, with
 * the over-the-limit warning; the other card, uncorrelated, says nothing about correlation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../../src/dev/telegram/outbox.js';
import { generateSyntheticSeries } from '../../../src/adapters/market-data/synthetic/generate-bars.js';
import { weekdaySessions } from '../../../src/adapters/market-data/synthetic/sessions.js';
import { Correlator } from '../../../src/engine/risk/correlation.js';
import { rankSignals, scanLatest } from '../../../src/engine/scan/index.js';
import type { CloseSeries } from '../../../src/engine/risk/returns.js';
import { textOf, until } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const AS_OF = '2026-11-20';
const SYMBOLS = Array.from({ length: 40 }, (_, i) => `LOC${String(i).padStart(3, '0')}`);
const USER = 1;
const CASH = 100_000;

let h: Harness;
let best: string;
let second: string;
let heldRisk: number;

beforeAll(async () => {
  h = await startHarness({ mode: 'local', env: { SCAN_CHUNK_SIZE: '20', SCAN_TOP_N: '2', PAPER_STARTING_CASH: String(CASH), SIZING_EQUITY: String(CASH), CORR_LIMIT: '0.7', CORR_CLUSTER_RISK_PCT: '2', CORR_LOOKBACK: '60' } });
  const sessions = weekdaySessions(AS_OF, 260);
  const series = SYMBOLS.map((symbol) => ({ symbol, series: generateSyntheticSeries({ symbol, sessions, dollarAdv: 5e7 }) }));
  await h.running.app.bars.writeBars(series, { source: 'synthetic', demo: true });
  // The scan's two best picks, from the pure engine (the cards must show the same two).
  const ranked = rankSignals(scanLatest(series.map((s) => s.series), AS_OF, ['donchian', 'turtle_soup']).signals);
  const symbols = [...new Set(ranked.map((s) => s.symbol))];
  [best, second] = [symbols[0]!, symbols[1]!];
  // CLONE: the last 70 sessions of the best pick at half the price, with 0.05 % noise; held with its stop at half the cost.
  const xs = series.find((s) => s.symbol === best)!.series;
  const n = xs.dates.length;
  const cloneBars = xs.dates.slice(n - 70).map((date, i) => {
    const c = Math.round(xs.close[n - 70 + i]! * 0.5 * (1 + 0.0005 * Math.sin(i * 1.7)) * 100) / 100;
    return { date, open: c, high: c, low: c, close: c, volume: 1_000_000 };
  });
  await h.running.app.bars.writeBars([{ symbol: 'CLONE', bars: cloneBars }], { source: 'e2e-correlation', demo: true });
  const closes = new Map<string, CloseSeries>(series.map((s) => [s.symbol, { dates: [...s.series.dates], closes: Array.from(s.series.close) }]));
  closes.set('CLONE', { dates: cloneBars.map((b) => b.date), closes: cloneBars.map((b) => b.close) });
  const corr = new Correlator(closes, { lookback: 60, asOf: AS_OF });
  // The premise: the best pick moves with CLONE, the second does not.
  expect(corr.pair(best, 'CLONE').rho!).toBeGreaterThan(0.95);
  expect(corr.pair(second, 'CLONE').rho ?? 0).toBeLessThan(0.7);
  const cost = cloneBars.at(-1)!.close;
  const qty = Math.floor(5_000 / cost);
  const stop = Math.round(cost * 0.5 * 100) / 100;
  heldRisk = Math.round((cost - stop) * qty * 100) / 100;
  await h.running.app.ds.query(`INSERT INTO paper_positions (symbol, qty, avg_cost) VALUES ('CLONE', $1, $2)`, [qty, cost]);
  await h.running.app.ds.query(`INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, time_stop_date, updated_at) VALUES ('CLONE', 'donchian', $1, $2, now(), $3, NULL, now())`, [qty, cost, stop]);
}, 90_000);

afterAll(async () => {
  await h?.stop();
});

const dollars = (s: string) => Number(s.replace(/[$,]/g, ''));

describe('pick card: what the pick moves with', () => {
  it("the best pick's card names the held clone and the cluster's risk before and after; the other card has no correlation line", async () => {
    const em = h.emulator;
    const start = em.lastSeq;
    em.sendUserMessage({ userId: USER, text: '/scan' });
    const cards = (await until(
      'two pick cards',
      async () => {
        const photos = (await em.events({ chatId: USER, afterSeq: start })).filter((e) => e.method === 'sendPhoto' && /pick p/.test(textOf(e)));
        return photos.length >= 2 ? photos : undefined;
      },
      45_000,
      200,
    )) as OutboxEvent[];
    const cardOf = (sym: string) => cards.find((c) => textOf(c).includes(`📈 ${sym} `))!;
    const text = textOf(cardOf(best));
    expect(text).toMatch(/🔗 Moves with open CLONE \(correlation (0\.9\d|1\.00)\) \(daily returns correlated at 0\.70 or more\)/);
    const m = /Cluster risk (\$[\d,.]+) \+ this pick's (\$[\d,.]+) = (\$[\d,.]+), ([\d.]+)% of equity (\$[\d,.]+) \(limit 2(?:\.00)?%\)/.exec(text);
    expect(m, text).not.toBeNull();
    const [before, pick, after, shownPct, equity] = [dollars(m![1]!), dollars(m![2]!), dollars(m![3]!), Number(m![4]), dollars(m![5]!)];
    expect(before).toBe(heldRisk);
    expect(Math.round((before + pick) * 100)).toBe(Math.round(after * 100));
    expect(Number(((after / equity) * 100).toFixed(2))).toBe(shownPct);
    // 2.5 % held already: the card warns before the tap.
    expect(text).toContain('over the limit: ✅ Approve will be refused');
    expect(textOf(cardOf(second))).not.toContain('Moves with');
  }, 90_000);
});
