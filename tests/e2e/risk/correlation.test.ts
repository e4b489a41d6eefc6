/**
 * The correlation limit end to end, through the real bot (local mode: in-process Bot API emulator,
 * worker queues, Postgres, Redis, the paper broker quoting from stored bars): /scan posts two pick
 * cards; an open position is a near-clone of the first pick; ✅ Approve on that card is refused by
 * the correlation limit with the position named and figures that recompute; ✅ Approve on the
 * other (uncorrelated) card fills.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../../src/dev/telegram/outbox.js';
import { generateSyntheticSeries } from '../../../src/adapters/market-data/synthetic/generate-bars.js';
import { weekdaySessions } from '../../../src/adapters/market-data/synthetic/sessions.js';
import { Correlator } from '../../../src/engine/risk/correlation.js';
import type { CloseSeries } from '../../../src/engine/risk/returns.js';
import { approvalSettled, textOf, until, waitMessage } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

/** Fixed data: these 40 synthetic symbols give six signals as of this date (SCAN_TOP_N=2: two cards). */
const AS_OF = '2026-11-20';
const SYMBOLS = Array.from({ length: 40 }, (_, i) => `LOC${String(i).padStart(3, '0')}`);
const USER = 1;
const CASH = 100_000;

let h: Harness;
let closes: Map<string, CloseSeries>;

beforeAll(async () => {
  h = await startHarness({ mode: 'local', env: { SCAN_CHUNK_SIZE: '20', SCAN_TOP_N: '2', PAPER_STARTING_CASH: String(CASH), CORR_LIMIT: '0.7', CORR_CLUSTER_RISK_PCT: '2', CORR_LOOKBACK: '60' } });
  const sessions = weekdaySessions(AS_OF, 260);
  const series = SYMBOLS.map((symbol) => ({ symbol, series: generateSyntheticSeries({ symbol, sessions, dollarAdv: 5e7 }) }));
  closes = new Map(series.map((s) => [s.symbol, { dates: [...s.series.dates], closes: Array.from(s.series.close) }]));
  await h.running.app.bars.writeBars(series, { source: 'synthetic', demo: true });
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const pickIdOf = (card: OutboxEvent) => /pick (p[0-9a-z]+)/.exec(textOf(card))?.[1];
const symbolOf = (card: OutboxEvent) => /📈 (\S+)/.exec(textOf(card))![1]!;
const approveOf = (card: OutboxEvent) => (card.message!.reply_markup!.inline_keyboard.flat() as { text: string; callback_data: string }[]).find((b) => b.text === '✅ Approve')!.callback_data;
const dollars = (s: string) => Number(s.replace(/[$,]/g, ''));

describe('correlation limit: a near-clone of an open position is refused, an uncorrelated pick fills', () => {
  it('/scan → clone of card 1 held → Approve card 1: refused by the correlation limit, naming the position → Approve card 2: filled', async () => {
    const em = h.emulator;
    const ds = h.running.app.ds;

    const start = em.lastSeq;
    em.sendUserMessage({ userId: USER, text: '/scan' });
    const [card1, card2] = (await until(
      'two pick cards',
      async () => {
        const photos = (await em.events({ chatId: USER, afterSeq: start })).filter((e) => e.method === 'sendPhoto' && /pick p/.test(textOf(e)));
        return photos.length >= 2 ? photos : undefined;
      },
      45_000,
      200,
    )) as [OutboxEvent, OutboxEvent];
    const x = symbolOf(card1);
    const y = symbolOf(card2);

    // CLONE: the last 70 sessions of X at half the price, with 0.05 % noise (too short a history to signal itself).
    const xs = closes.get(x)!;
    const n = xs.dates.length;
    const cloneBars = xs.dates.slice(n - 70).map((date, i) => {
      const c = Math.round(xs.closes[n - 70 + i]! * 0.5 * (1 + 0.0005 * Math.sin(i * 1.7)) * 100) / 100;
      return { date, open: c, high: c, low: c, close: c, volume: 1_000_000 };
    });
    await h.running.app.bars.writeBars([{ symbol: 'CLONE', bars: cloneBars }], { source: 'e2e-correlation', demo: true });
    const cloneSeries: CloseSeries = { dates: cloneBars.map((b) => b.date), closes: cloneBars.map((b) => b.close) };
    const corr = new Correlator(new Map([...closes, ['CLONE', cloneSeries]]), { lookback: 60, asOf: AS_OF });
    // The premise: card 1 moves with CLONE, card 2 does not.
    expect(corr.pair(x, 'CLONE').rho!).toBeGreaterThan(0.95);
    expect(corr.pair(y, 'CLONE').rho ?? 0).toBeLessThan(0.7);

    // Held: $5,000.00 of CLONE with its stop at half the cost: $2,500.00 open risk, 2.5 % of the starting cash alone.
    const cost = cloneBars.at(-1)!.close;
    const qty = Math.floor(5_000 / cost);
    const stop = Math.round(cost * 0.5 * 100) / 100;
    await ds.query(`INSERT INTO paper_positions (symbol, qty, avg_cost) VALUES ('CLONE', $1, $2)`, [qty, cost]);
    await ds.query(`INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, time_stop_date, updated_at) VALUES ('CLONE', 'donchian', $1, $2, now(), $3, NULL, now())`, [qty, cost, stop]);
    const heldRisk = Math.round((cost - stop) * qty * 100) / 100;

    // ✅ Approve on card 1: refused by the correlation limit, nothing ordered.
    const tap1 = em.lastSeq;
    em.pressButton({ userId: USER, messageId: card1.message_id!, data: approveOf(card1) });
    const refused = await approvalSettled(ds, pickIdOf(card1)!, 30_000);
    expect(refused.state).toBe('refused');
    expect(refused.refused_gate).toBe('correlation');
    expect(refused.numbers?.['corr:CLONE']).toBeGreaterThan(0.95);
    const told = await waitMessage(em, USER, tap1, new RegExp(`Not ordered: ${x}`), 20_000);
    const text = textOf(told);
    expect(text).toContain(`Not ordered: ${x} — refused by the correlation limit`);
    const m = /it moves with CLONE \(correlation (0\.\d\d|1\.00)\) \(daily returns correlated at 0\.70 or more\); their open risk (\$[\d,.]+) \+ this order's (\$[\d,.]+) = (\$[\d,.]+), ([\d.]+)% of equity (\$[\d,.]+), above the 2% limit\./.exec(text);
    expect(m, text).not.toBeNull();
    const [before, order, after, shownPct, equity] = [dollars(m![2]!), dollars(m![3]!), dollars(m![4]!), Number(m![5]), dollars(m![6]!)];
    expect(before).toBe(heldRisk);
    expect(Math.round((before + order) * 100)).toBe(Math.round(after * 100));
    expect(Number(((after / equity) * 100).toFixed(2))).toBe(shownPct);
    expect(after / equity).toBeGreaterThan(0.02);
    expect(text).toMatch(/What to do next:.*uncorrelated pick/);
    expect(await h.running.app.ds.query(`SELECT count(*)::int AS n FROM paper_orders WHERE symbol = $1`, [x])).toEqual([{ n: 0 }]);

    // ✅ Approve on card 2 (uncorrelated with CLONE): it fills.
    const tap2 = em.lastSeq;
    em.pressButton({ userId: USER, messageId: card2.message_id!, data: approveOf(card2) });
    const filled = await approvalSettled(ds, pickIdOf(card2)!, 30_000);
    expect(filled.state, JSON.stringify(filled.reason_detail)).toBe('filled');
    await waitMessage(em, USER, tap2, new RegExp(`Bought ${y}`), 20_000);
  }, 120_000);
});
