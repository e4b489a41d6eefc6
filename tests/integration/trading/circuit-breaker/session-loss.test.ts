/**
 * The circuit breaker's session loss (issue 12, item 10): when a market's realized P&L of the
 * session plus its unrealized P&L now — the same figures /pnl shows for the day — is a loss of
 * more than CIRCUIT_DAILY_LOSS_PCT of its equity, the kill switch is engaged by the robot
 * itself, with the reason, one admin alert and an audit row holding the figures.
 *
 * Real Postgres (a fresh database per test), the shared Redis under a unique prefix, the real
 * kill switch, audit chain and alert store, the paper broker and the real mark-to-market.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { previousSession } from '../../../../src/engine/calendar/index.js';
import { executeApproval } from '../../../../src/trading/execution/execute.js';
import { markToMarket } from '../../../../src/trading/execution/mark-to-market.js';
import { loadPnl } from '../../../../src/trading/portfolio/pnl.js';
import { periodRange } from '../../../../src/trading/portfolio/period.js';
import { makeWorld, type World } from '../execution/setup.js';
import { ADMIN, approved, auditRows, breakerOn, switchRow } from './setup.js';

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.close();
});

const LIMITS = { dailyLossPct: 3, rejects: 5 };
/** The session /pnl calls "day" right now, and the one before it (the equity baseline). */
const session = () => periodRange('day', new Date()).to;
const baseline = () => previousSession(session());
/** The books' starting cash for marks (no broker: equity from our own books). */
const CASH = 10_000;

/** Marks `date` at `price` for every open position (the mark-to-market job's use case). */
async function mark(date: string, price?: number) {
  return markToMarket({ db: w.uow(), startingCash: CASH, ...(price !== undefined ? { price: async () => ({ price, date }) } : {}) }, { date });
}

/** Buys ABC at 10 through the paper broker (about $5,000 worth); returns the shares bought. */
async function buy(): Promise<number> {
  const approvalId = await approved(w, { qty: 600, entry: 10, stop: 9 });
  const out = await executeApproval(w.deps({ limits: { perOrderBudget: 5_000, dailyBudget: 50_000, maxPositionPct: 1000 } }), approvalId);
  if (out.kind !== 'filled') throw new Error(`not filled: ${out.kind}`);
  expect(out.avgFillPrice).toBe(10);
  return out.filledQty;
}

/** A stop exit booked in the session /pnl calls "day" (now, or at 15:00 ET of that session when today has none: a trade is filed under its fill's session) with this realized P&L. */
async function bookedLossNow(pnl: number): Promise<void> {
  const id = randomUUID();
  await w.ds.query(
    `INSERT INTO orders (id, kind, exit_reason, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force, state, filled_qty, avg_fill_price,
                         realized_pnl, budget_date, reserved_amount, submit_attempted_at, booked_at)
     VALUES ($1, 'exit', 'stop', $2, 'paper', 'XYZ', 'donchian', 'sell', 10, 9, 'ioc', 'filled', 10, 9, $3, $4::date, 0, now(),
             LEAST(now(), ($4::date + time '15:00') AT TIME ZONE 'America/New_York'))`,
    [id, `cx-test-${id.slice(0, 8)}`, pnl, session()],
  );
}

describe('circuit breaker: session loss', () => {
  it('a loss over 3 % of equity after a mark trips it once; a second mark does not move the epoch again', async () => {
    const { breaker, messages } = breakerOn(w, LIMITS);
    await mark(baseline()); // equity 10,000 before the session
    const qty = await buy();
    expect(await breaker.checkSessionLoss('paper', session())).toMatchObject({ kind: 'clear', equity: CASH, threshold: -300 });

    await mark(session(), 9); // each share $1 down: −qty, about −$500 = 5 % of 10,000
    const pnl = await loadPnl(w.uow(), 'day', new Date());
    expect(pnl.unrealized.total).toBe(-qty);
    const res = await breaker.checkSessionLoss('paper', session());
    expect(res).toMatchObject({
      kind: 'tripped',
      epoch: 1,
      alerted: true,
      audited: true,
      trip: { kind: 'session_loss', sessionDate: session(), currency: 'USD', realized: 0, unrealized: -qty, unpriced: 0, loss: -qty, equity: CASH, equityAsOf: baseline(), pct: 3, threshold: -300 },
    });
    expect(await switchRow(w)).toEqual({ engaged: true, epoch: 1, reason: 'circuit breaker: session_loss' });

    const audit = await auditRows(w, 'circuit.tripped');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'circuit-breaker', broker: 'paper', epoch: 1, trip: { kind: 'session_loss', loss: -qty, equity: CASH, pct: 3, threshold: -300 } });
    const alerts = (await w.ds.query(`SELECT key, severity, detail FROM alerts`)) as { key: string; severity: string; detail: Record<string, unknown> }[];
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ key: 'circuit.tripped:paper', severity: 'critical', detail: { code: 'circuit.tripped', broker: 'paper', epoch: 1, trip: { kind: 'session_loss', loss: -qty } } });
    expect(messages.sent.map((m) => m.chatId)).toEqual([ADMIN]);
    expect(messages.texts[0]).toContain(`Circuit breaker (paper): the loss of session ${session()} is -$${qty}.00`);

    // The next mark (still losing, a little more): the switch is already on, nothing moves.
    await mark(session(), 8.9);
    expect(await breaker.checkSessionLoss('paper', session())).toEqual({ kind: 'already_engaged', reason: 'circuit breaker: session_loss' });
    expect(await switchRow(w)).toMatchObject({ engaged: true, epoch: 1 });
    expect(await auditRows(w, 'circuit.tripped')).toHaveLength(1);
    expect(messages.sent).toHaveLength(1);
  });

  it('a loss under the limit does not trip it', async () => {
    const { breaker } = breakerOn(w, LIMITS);
    await mark(baseline());
    const qty = await buy();
    await mark(session(), 9.5); // −qty/2, about −$250 = 2.5 %
    expect(await breaker.checkSessionLoss('paper', session())).toEqual({ kind: 'clear', loss: -qty / 2, equity: CASH, threshold: -300 });
    expect(await switchRow(w)).toMatchObject({ engaged: false, epoch: 0 });
    expect(await auditRows(w, 'circuit.tripped')).toHaveLength(0);
  });

  it('realized losses of the session count (an exit booked today), as /pnl sums them', async () => {
    const { breaker } = breakerOn(w, LIMITS);
    await mark(baseline());
    await bookedLossNow(-301);
    expect(await breaker.checkSessionLoss('paper', session())).toMatchObject({ kind: 'tripped', trip: { realized: -301, unrealized: 0, loss: -301, threshold: -300 } });
  });

  it('after an admin resumes, the same session is not tripped again (it arms again next session)', async () => {
    const { breaker } = breakerOn(w, LIMITS);
    await mark(baseline());
    await bookedLossNow(-400);
    expect(await breaker.checkSessionLoss('paper', session())).toMatchObject({ kind: 'tripped', epoch: 1 });
    await w.killSwitch.resume(7);
    expect(await breaker.checkSessionLoss('paper', session())).toEqual({ kind: 'not_judged', why: 'resumed_this_session', sessionDate: session() });
    expect(await switchRow(w)).toMatchObject({ engaged: false, epoch: 2 });
    expect(await auditRows(w, 'circuit.tripped')).toHaveLength(1);
  });

  it('without any equity mark there is no equity to measure against: not judged', async () => {
    const { breaker } = breakerOn(w, LIMITS);
    await bookedLossNow(-5_000);
    expect(await breaker.checkSessionLoss('paper', session())).toEqual({ kind: 'not_judged', why: 'no_equity', sessionDate: session() });
    expect(await switchRow(w)).toMatchObject({ engaged: false, epoch: 0 });
  });

  it('a mark of an older session says nothing about this one: not judged', async () => {
    const { breaker } = breakerOn(w, LIMITS);
    await mark(baseline());
    await bookedLossNow(-5_000);
    expect(await breaker.checkSessionLoss('paper', '2025-07-08')).toEqual({ kind: 'not_judged', why: 'not_current_session', sessionDate: '2025-07-08' });
    expect(await switchRow(w)).toMatchObject({ engaged: false, epoch: 0 });
  });

  it('CIRCUIT_DAILY_LOSS_PCT=0 turns the loss check off', async () => {
    const { breaker } = breakerOn(w, { dailyLossPct: null, rejects: 5 });
    await mark(baseline());
    await bookedLossNow(-5_000);
    expect(await breaker.checkSessionLoss('paper', session())).toEqual({ kind: 'off' });
    expect(await switchRow(w)).toMatchObject({ engaged: false, epoch: 0 });
  });
});
