/**
 * The correlation limit against a real Postgres: open positions and in-flight entries read from
 * their tables, closes from bars_daily (closesFromBars), the gate through portfolioRiskGate as
 * execute.ts calls it; and the scan cards' correlation figures (cardCorrelation) with the lines a
 * card shows.
 */
import { describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { TypeOrmUnitOfWork } from '../../../src/adapters/db/unit-of-work.js';
import { closesFromBars } from '../../../src/trading/risk/closes-source.js';
import { portfolioRiskGate } from '../../../src/trading/risk/portfolio-gate.js';
import { cardCorrelation } from '../../../src/trading/risk/card-correlation.js';
import { DEFAULT_RISK_SETTINGS } from '../../../src/trading/risk/settings.js';
import { correlationLines } from '../../../src/bot/views/pick-card.js';
import { dataSourcePerTest } from '../../helpers/pg.js';

const { ds } = dataSourcePerTest();
const AS_OF = '2026-11-20';
const EQUITY = 100_000;

/** 80 weekday sessions ending at AS_OF. */
function sessions(n = 80): string[] {
  const out: string[] = [];
  const d = new Date(`${AS_OF}T00:00:00Z`);
  while (out.length < n) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.unshift(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() - 1);
  }
  return out;
}

/** A deterministic return stream (an LCG): `seed` picks the stream; `noise` mixes in another one. */
function returns(seed: number, n: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return (x / 2147483648 - 0.5) * 0.04;
  });
}

async function bars(db: DataSource, symbol: string, rets: number[], start: number, dates = sessions()): Promise<void> {
  let c = start;
  const rows: unknown[][] = [];
  dates.forEach((d, i) => {
    if (i > 0) c = c * (1 + rets[i - 1]!);
    rows.push([symbol, d, c]);
  });
  for (const [s, d, close] of rows) await db.query(`INSERT INTO bars_daily (symbol, date, open, high, low, close, volume, source) VALUES ($1, $2, $3, $3, $3, $3, 1e6, 'test')`, [s, d, close]);
}

const BASE = returns(7, 79);
/** A near-clone: the base stream plus 10 % of another one (ρ ≈ 0.99). */
const NEAR = BASE.map((r, i) => r + 0.1 * returns(99, 79)[i]!);
const OTHER = returns(12345, 79);

async function position(db: DataSource, symbol: string, qty: number, cost: number, stop: number | null): Promise<void> {
  await db.query(`INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, updated_at) VALUES ($1, 'donchian', $2, $3, now(), $4, now())`, [symbol, qty, cost, stop]);
}

let seq = 0;
/** An entry reserved and sent, not booked: approval executing, order row without booked_at. */
async function inFlight(db: DataSource, symbol: string, qty: number, limit: number, stop: number, strategy = 'donchian'): Promise<void> {
  seq++;
  await db.query(`INSERT INTO scan_runs (id, requested_by, chat_id, as_of, strategies, status, symbols, demo) VALUES ('it-run', 1, 1, CURRENT_DATE, '{donchian}', 'done', 1, false) ON CONFLICT (id) DO NOTHING`);
  await db.query(
    `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, expires_at)
     VALUES ($1, 'it-run', $2, $3, $4, $5, $6, NULL, 1, 1, $7, 0, '[]', false, now() + interval '1 hour')`,
    [`pk${seq}`, AS_OF, symbol, strategy, limit, stop, qty],
  );
  const approval = `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
  await db.query(`INSERT INTO approvals (id, pick_id, approved_by, approved_at, expires_at, state) VALUES ($1, $2, 1, now(), now() + interval '1 hour', 'executing')`, [approval, `pk${seq}`]);
  await db.query(
    `INSERT INTO orders (id, approval_id, kind, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force, state, budget_date, reserved_amount)
     VALUES (gen_random_uuid(), $1, 'entry', $2, 'paper', $3, $4, 'buy', $5, $6, 'ioc', 'submitted', CURRENT_DATE, $7)`,
    [approval, `cs-it-${seq}`, symbol, strategy, qty, limit, qty * limit],
  );
}

function deps() {
  const db = new TypeOrmUnitOfWork(ds());
  return { db, closes: closesFromBars(db), settings: DEFAULT_RISK_SETTINGS };
}

describe('the correlation limit at approval', () => {
  it('refuses a near-clone of an open position when the cluster would pass 2 % of equity, naming the position with figures', async () => {
    await bars(ds(), 'CAND', BASE, 50);
    await bars(ds(), 'HELD', NEAR, 80);
    await bars(ds(), 'FREE', OTHER, 30);
    await position(ds(), 'HELD', 100, 80, 65); // (80 − 65) × 100 = $1,500.00 open risk
    await position(ds(), 'FREE', 100, 30, 20); // uncorrelated: not in the cluster
    const r = await portfolioRiskGate(deps(), { symbol: 'CAND', strategy: 'donchian', qty: 100, price: 50, stop: 44, equity: EQUITY, asOf: AS_OF });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.gate).toBe('correlation');
    expect(r.numbers['corr:HELD']).toBeGreaterThan(0.95);
    expect(r.numbers['corr:FREE']).toBeUndefined();
    expect(r.reason).toMatch(/^Order refused by the correlation limit: it moves with HELD \(correlation 0\.9\d\)/);
    expect(r.reason).toContain("their open risk $1,500.00 + this order's $600.00 = $2,100.00, 2.1% of equity $100,000.00, above the 2% limit.");
  });

  it('passes the same candidate when the cluster stays under the cap, and an uncorrelated one however large', async () => {
    await bars(ds(), 'CAND', BASE, 50);
    await bars(ds(), 'HELD', NEAR, 80);
    await bars(ds(), 'FREE', OTHER, 30);
    await position(ds(), 'HELD', 100, 80, 72); // $800.00
    expect((await portfolioRiskGate(deps(), { symbol: 'CAND', strategy: 'donchian', qty: 100, price: 50, stop: 44, equity: EQUITY, asOf: AS_OF })).ok).toBe(true);
    expect((await portfolioRiskGate(deps(), { symbol: 'FREE', strategy: 'donchian', qty: 1000, price: 30, stop: 20, equity: EQUITY, asOf: AS_OF })).ok).toBe(true);
  });

  it('counts entries in flight (reserved, not booked) at (limit − stop) × qty, but never the candidate\'s own order', async () => {
    await bars(ds(), 'CAND', BASE, 50);
    await bars(ds(), 'HELD', NEAR, 80);
    await position(ds(), 'HELD', 100, 80, 70); // $1,000.00
    const c = { symbol: 'CAND', strategy: 'donchian', qty: 100, price: 50, stop: 44, equity: EQUITY, asOf: AS_OF };
    // $1,000.00 + $600.00 = $1,600.00: under 2 %.
    expect((await portfolioRiskGate(deps(), c)).ok).toBe(true);
    await inFlight(ds(), 'HELD', 50, 80, 70, 'turtle_soup'); // + $500.00 in flight
    await inFlight(ds(), 'CAND', 100, 50, 44); // the candidate's own order row (a retry): not counted
    const r = await portfolioRiskGate(deps(), c);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.numbers).toMatchObject({ riskBefore: 1500, candidateRisk: 600, riskAfter: 2100, equity: EQUITY });
  }, 20_000);

  it('does not look past the judged day: bars after asOf that would decorrelate the pair change nothing', async () => {
    await bars(ds(), 'CAND', BASE, 50);
    await bars(ds(), 'HELD', NEAR, 80);
    // 8 later sessions (within the closes loaded past the judged day) in which the two move hard apart.
    const later: string[] = [];
    const d = new Date(`${AS_OF}T00:00:00Z`);
    while (later.length < 8) {
      d.setUTCDate(d.getUTCDate() + 1);
      if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) later.push(d.toISOString().slice(0, 10));
    }
    const rows = (await ds().query(`SELECT symbol, close FROM bars_daily WHERE date = $1`, [AS_OF])) as { symbol: string; close: number }[];
    let cand = rows.find((r) => r.symbol === 'CAND')!.close;
    let held = rows.find((r) => r.symbol === 'HELD')!.close;
    for (let i = 0; i < later.length; i++) {
      const move = i % 2 === 0 ? 0.2 : -0.15;
      cand *= 1 + move;
      held *= 1 - move;
      await ds().query(`INSERT INTO bars_daily (symbol, date, open, high, low, close, volume, source) VALUES ('CAND', $1, 1, 1, 1, $2, 1, 't'), ('HELD', $1, 1, 1, 1, $3, 1, 't')`, [later[i], cand, held]);
    }
    await position(ds(), 'HELD', 100, 80, 65);
    const c = { symbol: 'CAND', strategy: 'donchian', qty: 100, price: 50, stop: 44, equity: EQUITY };
    expect((await portfolioRiskGate(deps(), { ...c, asOf: AS_OF })).ok).toBe(false);
    // Judged at the end of the later sessions, the pair is anti-correlated and passes.
    expect((await portfolioRiskGate(deps(), { ...c, asOf: later.at(-1)! })).ok).toBe(true);
  }, 30_000);
});

describe('the pick cards\' correlation figures', () => {
  it('names the open positions and the other picks a pick moves with, with the cluster risk before and after; nothing for an uncorrelated pick', async () => {
    await bars(ds(), 'CAND', BASE, 50);
    await bars(ds(), 'TWIN', BASE.map((r, i) => r + 0.05 * returns(3, 79)[i]!), 20);
    await bars(ds(), 'HELD', NEAR, 80);
    await bars(ds(), 'FREE', OTHER, 30);
    await bars(ds(), 'NEWB', OTHER.slice(-10), 10, sessions().slice(-11));
    await position(ds(), 'HELD', 100, 80, 65); // $1,500.00
    const d = { ...deps(), equity: async () => EQUITY };
    const out = await cardCorrelation(
      d,
      [
        { id: 'p1', symbol: 'CAND', dollarRisk: 600 },
        { id: 'p2', symbol: 'TWIN', dollarRisk: 250.5 },
        { id: 'p3', symbol: 'FREE', dollarRisk: 900 },
      ],
      AS_OF,
    );
    expect(Object.keys(out).sort()).toEqual(['p1', 'p2']);
    const c = out.p1!;
    expect(c.positions.map((p) => p.symbol)).toEqual(['HELD']);
    expect(c.candidates.map((p) => p.symbol)).toEqual(['TWIN']);
    expect(c).toMatchObject({ riskBefore: 1500, pickRisk: 600, riskAfter: 2100, equity: EQUITY, overLimit: true, unmeasured: [] });
    const lines = correlationLines(c);
    expect(lines[0]).toMatch(/^🔗 Moves with open HELD \(correlation 0\.9\d\); and with this scan's TWIN \((?:0\.9\d|1\.00)\) \(daily returns correlated at 0\.70 or more\)$/);
    expect(lines[1]).toBe("Cluster risk $1,500.00 + this pick's $600.00 = $2,100.00, 2.10% of equity $100,000.00 (limit 2.00%) — over the limit: ✅ Approve will be refused unless a position in it is closed first.");
    expect(out.p2!.riskAfter).toBe(1750.5);
    expect(out.p2!.overLimit).toBe(false);
    // A pick without enough bars is said so.
    const young = await cardCorrelation(d, [{ id: 'p4', symbol: 'NEWB', dollarRisk: 10 }], AS_OF);
    expect(correlationLines(young.p4!)).toEqual(['Correlation not measured (too few shared sessions): NEWB, HELD']);
  }, 20_000);
});
