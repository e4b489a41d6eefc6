/**
 * Issue 19, item 7: /positions, /pnl and the digests say where each mark comes from. Real bot +
 * worker roles, BROKER=alpaca-paper against the Alpaca trading emulator: the account holds LIVE
 * (Alpaca prices it: `current_price` is its quote's mid), while Courtside also holds BARS, which
 * Alpaca does not report — its mark falls back to the stored bar close and says so.
 *
 * What must hold: the mark job records LIVE at Alpaca's price with its source and the time it was
 * taken, BARS at its close with its date; /positions shows each ("Alpaca mark … ET", "close
 * <date>") with numbers that recompute from the ones shown; /pnl and /digest close say where the
 * open P&L's prices are from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlpacaDataEmulator, type AlpacaDataEmulator } from '../../src/dev/alpaca-data/server.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../src/dev/alpaca-trading/server.js';
import { nyLocalParts } from '../../src/engine/calendar/index.js';
import { alpacaPaperEnv, ALPACA_KEY_ID, ALPACA_SECRET, command, holdPosition, lastWeekday, seedBars, textOf, until } from '../helpers/execution.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const ADMIN = 1;
const SYMBOLS = { LIVE: 20, BARS: 30 } as const;

let trading: AlpacaTradingEmulator;
let data: AlpacaDataEmulator;
let h: Harness;

beforeAll(async () => {
  const quotes = Object.fromEntries(Object.entries(SYMBOLS).map(([s, p]) => [s, { bid: p - 0.01, ask: p + 0.01, bidSize: 100_000, askSize: 100_000 }]));
  trading = await startAlpacaTradingEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, cash: 100_000, quotes });
  data = await startAlpacaDataEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, quotes });
  h = await startHarness({ mode: 'token', roles: ['bot', 'worker'], env: { TELEGRAM_ALLOWED_USER_IDS: `${ADMIN}:admin`, ...alpacaPaperEnv(trading.url, data.url) } });
  // The last bar on or before New York's today (not UTC's: between midnight UTC and midnight in New
  // York they differ, and the mark of New York's today must meet the flat close this test expects).
  await seedBars(h.running.app, SYMBOLS, { endDate: lastWeekday(new Date(`${nyLocalParts(Date.now()).date}T12:00:00Z`)) });
  await command(h, ADMIN, '/help', /./);
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await data?.close();
  await trading?.close();
});

const ds = () => h.running.app.ds;
const hhmm = (at: Date) => {
  const p = nyLocalParts(at.getTime());
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
};

describe("marks say where their price comes from (Alpaca's mark, else the bar close)", () => {
  it('records and shows the Alpaca mark with its time, and the close with its date where Alpaca gives no price', async () => {
    await holdPosition(ds(), 'LIVE', 10, 18);
    await holdPosition(ds(), 'BARS', 5, 28);
    trading.setPosition('LIVE', 10, 18);
    trading.setQuote('LIVE', { bid: 21.49, ask: 21.51, bidSize: 100_000, askSize: 100_000 }); // current_price 21.50

    // The broker's price is now's: the job marks today's New York date.
    const today = nyLocalParts(Date.now()).date;
    await h.running.app.jobs.add('execution.mark', { date: today }, { jobId: `e2e-marks-source-${today}` });
    const rows = await until(
      'the mark job to write both marks',
      async () => {
        const r = (await ds().query(
          `SELECT m.symbol, m.price::float8 AS price, m.price_source, m.price_at, p.last_price::float8 AS last_price, p.last_price_source, p.last_price_at
             FROM position_marks m JOIN positions p USING (symbol, strategy) WHERE m.date = $1 ORDER BY m.symbol`,
          [today],
        )) as { symbol: string; price: number; price_source: string | null; price_at: Date | null; last_price: number; last_price_source: string | null; last_price_at: Date | null }[];
        return r.length === 2 ? r : undefined;
      },
      30_000,
    );
    const [bars, live] = rows;
    expect(live).toMatchObject({ symbol: 'LIVE', price: 21.5, price_source: 'broker:alpaca-paper', last_price: 21.5, last_price_source: 'broker:alpaca-paper' });
    expect(live!.price_at).toEqual(live!.last_price_at);
    expect(Math.abs(live!.price_at!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(bars).toMatchObject({ symbol: 'BARS', price: 30, price_source: 'close', last_price: 30, last_price_source: 'close' });
    const at = hhmm(live!.price_at!);
    const closeDate = ((await ds().query(`SELECT to_char(max(date), 'YYYY-MM-DD') AS d FROM bars_daily WHERE symbol = 'BARS' AND date <= $1`, [today])) as { d: string }[])[0]!.d;

    // /positions: each position's source, and P&L that recomputes from what is shown.
    const positions = textOf(await command(h, ADMIN, '/positions', /Open positions: 2/));
    expect(positions).toContain(`cost 18.00 → 21.50 (Alpaca mark ${today} ${at} ET)`);
    expect(positions).toContain(`cost 28.00 → 30.00 (close ${closeDate})`);
    expect(positions).toContain('LIVE · 10 sh · +$35.00'); // (21.50 − 18.00) × 10
    expect(positions).toContain('BARS · 5 sh · +$10.00'); // (30.00 − 28.00) × 5
    expect(positions).toContain('Unrealized +$45.00');

    // /pnl: where the open P&L's prices are from.
    const pnl = textOf(await command(h, ADMIN, '/pnl', /Unrealized now/));
    expect(pnl).toContain('Unrealized now +$45.00');
    expect(pnl).toContain(`Prices: 1 at Alpaca mark ${at} ET, 1 at close ${closeDate}`);

    // /digest close (a close digest on a session, the no-session one otherwise) says it too.
    const digest = textOf(await command(h, ADMIN, '/digest close', /Close digest/, 30_000));
    // Both sources, in the digest's own order (it differs from /pnl's by time of day: at 01:00 ET the close of a bar dated today comes first).
    const digestPrices = /^Prices: (.*)$/m.exec(digest)?.[1]?.split(', ').sort();
    expect(digestPrices, digest).toEqual([`1 at Alpaca mark ${at} ET`, `1 at close ${closeDate}`].sort());
  }, 90_000);
});
