/**
 * Numbers that add up (issue 13, item 8), through the real bot and workers against the Bot API
 * emulator, with the app's clock set (tests/helpers/market-time.ts). The book is stored as the
 * order lifecycle stores it (orders, fills, positions, bars), so each case is exact:
 *
 * - Fri Dec 4, 14:00 ET: ABC flattened, 110 sh at 27.32, decided at an unrounded bid 27.3456;
 * - Sat Dec 5, 10:00 ET: TOL bought, 100 sh at 103.99 (a fill at Friday's close; Thursday →
 *   Friday moved TOL from 100.00 to 103.77, before it was bought);
 * - Sat Dec 5, 11:00 ET: XYZ flattened, 50 sh at 40.00.
 *
 * Checked: the close digest's slippage rows multiply out; the morning digest counts TOL's move
 * from its fill; on Saturday `/digest close` says there is no session and shows /positions'
 * unrealized P&L; a Saturday fill is filed under the next session (Mon Dec 7) in /pnl and in the
 * close digest, never under Friday.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf, waitMessage } from '../helpers/execution.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { realTime, setMarketTime } from '../helpers/market-time.js';

const USER = 1; // the local user, an admin
const ET = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00-05:00`); // December: EST
const FRIDAY_AFTER_CLOSE = '2026-12-04T17:00:00-05:00';
const SATURDAY_MORNING = '2026-12-05T11:30:00-05:00';
const SATURDAY_AFTERNOON = '2026-12-05T15:00:00-05:00';
const MONDAY_AFTER_CLOSE = '2026-12-07T17:00:00-05:00';

let h: Harness;

async function sql(text: string, params: unknown[] = []): Promise<void> {
  await h.running.app.ds.query(text, params);
}

/** A filled order with one fill, booked at `at`, as the lifecycle leaves it. */
async function filledOrder(o: { symbol: string; side: 'buy' | 'sell'; qty: number; price: number; decided: number; at: Date; realized?: number }): Promise<void> {
  const id = randomUUID();
  let approvalId: string | null = null;
  if (o.side === 'buy') {
    const pickId = `p${id.slice(0, 8)}`;
    await sql(
      `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, state, expires_at)
       VALUES ($1, 'run-dn', '2026-12-04', $2, 'donchian', $3, 98.5, NULL, 1, 1, $4, 0, '[]', false, 'EXECUTED', $5)`,
      [pickId, o.symbol, o.decided, o.qty, o.at],
    );
    approvalId = randomUUID();
    await sql(`INSERT INTO approvals (id, pick_id, approved_by, approved_at, expires_at, state, updated_at) VALUES ($1, $2, 1, $3, $3, 'filled', $3)`, [approvalId, pickId, o.at]);
  }
  await sql(
    `INSERT INTO orders (id, approval_id, kind, exit_reason, decision_price, realized_pnl, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force,
                         state, filled_qty, avg_fill_price, budget_date, reserved_amount, booked_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'paper', $8, 'donchian', $9, $10, $11, 'ioc', 'filled', $10, $11, ($12::timestamptz AT TIME ZONE 'America/New_York')::date, 0, $12, $12, $12)`,
    [id, approvalId, o.side === 'buy' ? 'entry' : 'exit', o.side === 'buy' ? null : 'flatten', o.decided, o.realized ?? null, `cs-${id.slice(0, 12)}`, o.symbol, o.side, o.qty, o.price, o.at],
  );
  await sql(`INSERT INTO fills (order_id, symbol, side, qty, price, filled_at, seq) VALUES ($1, $2, $3, $4, $5, $6, 0)`, [id, o.symbol, o.side, o.qty, o.price, o.at]);
}

async function bar(symbol: string, date: string, close: number): Promise<void> {
  await sql(`INSERT INTO bars_daily (symbol, date, open, high, low, close, volume, source) VALUES ($1, $2, $3, $3, $3, $3, 1000000, 'csv')`, [symbol, date, close]);
}

/** Sends a command and returns the reply matching `re`. */
async function say(text: string, re: RegExp): Promise<string> {
  const after = h.emulator.lastSeq;
  h.emulator.sendUserMessage({ userId: USER, text, firstName: 'Ada' });
  return textOf(await waitMessage(h.emulator, USER, after, re, 20_000));
}

/** "+$1,234.56" / "-$22.00" / "$0.00" → number. */
function dollars(s: string): number {
  const m = /^([+-]?)\$([\d,]+\.\d\d)$/.exec(s.trim());
  if (!m) throw new Error(`not a dollar amount: ${JSON.stringify(s)}`);
  return (m[1] === '-' ? -1 : 1) * Number(m[2]!.replace(/,/g, ''));
}

const cents = (n: number) => Math.round(n * 100);

beforeAll(async () => {
  setMarketTime(FRIDAY_AFTER_CLOSE);
  // No scheduler: the close digest and mark-to-market slots must not run behind the test's back.
  h = await startHarness({ mode: 'local', roles: ['bot', 'worker'], env: { MARKET_HOURS: 'exchange' } });
  await sql(`INSERT INTO scan_runs (id, requested_by, chat_id, as_of, strategies, status, symbols, demo) VALUES ('run-dn', 1, 1, '2026-12-03', '{donchian}', 'done', 3, false)`);
  for (const [d, tol, abc, spy] of [
    ['2026-12-02', 99.1, 27.6, 598],
    ['2026-12-03', 100.0, 27.5, 600],
    ['2026-12-04', 103.77, 27.4, 603],
  ] as const) {
    await bar('TOL', d, tol);
    await bar('ABC', d, abc);
    await bar('XYZ', d, 40.1);
    await bar('SPY', d, spy);
  }
  await filledOrder({ symbol: 'ABC', side: 'sell', qty: 110, price: 27.32, decided: 27.3456, realized: 12.34, at: ET('2026-12-04', '14:00') });
  await filledOrder({ symbol: 'TOL', side: 'buy', qty: 100, price: 103.99, decided: 103.77, at: ET('2026-12-05', '10:00') });
  await filledOrder({ symbol: 'XYZ', side: 'sell', qty: 50, price: 40, decided: 40.02, realized: -5, at: ET('2026-12-05', '11:00') });
  await sql(`INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop) VALUES ('TOL', 'donchian', 100, 103.99, $1, 98.5)`, [ET('2026-12-05', '10:00')]);
  await say('/start', /./);
}, 60_000);

afterAll(async () => {
  await h?.stop();
  realTime();
});

describe('digests and /pnl: numbers that add up', () => {
  it('Friday close digest: each fill row multiplies out (qty × slip = dollars) at a decided price on the tick', async () => {
    setMarketTime(FRIDAY_AFTER_CLOSE);
    const t = await say('/digest close', /Close digest/);
    const row = t.split('\n').find((l) => l.includes('SELL ABC'));
    expect(row, t).toBeDefined();
    const m = /SELL ABC (\d+) @ (\d+\.\d\d) \(exit\) · decided (\S+) · slip ([+-]?\d+\.\d\d)\/sh \([^)]*\) = (\S+)/.exec(row!);
    expect(m, row).not.toBeNull();
    const [, qty, fill, decided, slip, cost] = m!;
    expect(decided).toMatch(/^\d+\.\d\d$/);
    // A sell's slippage is decided − fill, per share, and qty × that is the dollar figure.
    expect(cents(Number(decided) - Number(fill))).toBe(cents(Number(slip)));
    expect(cents(Number(qty) * Number(slip))).toBe(cents(dollars(cost!)));
    // Saturday's XYZ sell is not Friday's.
    expect(t).not.toContain('XYZ');
  });

  it('Saturday morning digest: TOL is credited with its move since the fill, not the Thu → Fri move before it was bought', async () => {
    setMarketTime(SATURDAY_MORNING);
    const t = await say('/digest morning', /Morning digest/);
    const line = t.split('\n').find((l) => l.startsWith('• TOL'));
    expect(line, t).toBeDefined();
    const m = /\(([+-]?\$[\d,.]+)\).*· (\d+) sh @ (\d+\.\d\d) · P&L ([+-]?\$[\d,.]+)/.exec(line!);
    expect(m, line).not.toBeNull();
    const [, move, qty, price, pnl] = m!;
    // Every TOL share was bought after Friday's close: its move is its P&L since the fill, (103.77 − 103.99) × 100.
    expect(cents(dollars(move!))).toBe(cents(dollars(pnl!)));
    expect(cents(dollars(pnl!))).toBe(cents(Number(qty) * (Number(price) - 103.99)));
    expect(line).not.toContain('+$377.00');
  });

  it('Saturday: /digest close says there is no session, with the unrealized P&L /positions shows', async () => {
    setMarketTime(SATURDAY_AFTERNOON);
    const positions = await say('/positions', /Open positions/);
    const unrealized = /Unrealized ([+-]?\$[\d,.]+)/.exec(positions)?.[1];
    expect(unrealized, positions).toBeDefined();
    expect(dollars(unrealized!)).toBeLessThan(0);
    for (const cmd of ['/digest close', '/digest']) {
      const t = await say(cmd, /digest/i);
      expect(t, cmd).toContain('No session today; last session Fri Dec 4');
      expect(t, cmd).toContain(`${unrealized} on 1 position`);
      expect(t, cmd).not.toMatch(/no close for Dec 5/);
    }
  });

  it('Saturday /pnl: Friday is Friday’s trades only; the Saturday sell is filed under the next session', async () => {
    setMarketTime(SATURDAY_AFTERNOON);
    const t = await say('/pnl', /P&L/);
    expect(t).toMatch(/2026-12-04/);
    expect(t).toMatch(/Realized \+\$12\.34 · 1 closed \(1 won, 0 lost\)/);
    expect(t).toMatch(/-\$5\.00.*Mon Dec 7|Mon Dec 7.*-\$5\.00/);
  });

  it('Monday: /pnl and the close digest file the Saturday sell under Monday’s session', async () => {
    setMarketTime(MONDAY_AFTER_CLOSE);
    const pnl = await say('/pnl', /P&L/);
    expect(pnl).toMatch(/Realized -\$5\.00 · 1 closed \(0 won, 1 lost\)/);
    const unrealized = /Unrealized now ([+-]?\$[\d,.]+)/.exec(pnl)?.[1];
    const digest = await say('/digest close', /Close digest/);
    expect(digest).toMatch(/Realized -\$5\.00/);
    // Before Monday's bar or mark, the open P&L is what /pnl and /positions show (Friday's close), not cost.
    expect(digest).toContain(`open P&L ${unrealized} on 1 position`);
    expect(digest).toMatch(/SELL XYZ 50 @ 40\.00/);
    expect(digest).toMatch(/XYZ sold 50 @ 40\.00 · flattened · -\$5\.00/);
  });
});
