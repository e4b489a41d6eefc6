/**
 * A planted trading week for the weekly review's tests: Mon 2026-11-30 to Fri 2026-12-04 (US),
 * plus rows just outside it (the Friday before, and a later week) that must not count. The
 * expected figures beside it are derived from the rows planted, by hand, below.
 */
import { randomUUID } from 'node:crypto';

/** What planting needs: a SQL runner (node-postgres style parameters) and an audit appender. */
export interface Planter {
  run(sql: string, params?: unknown[]): Promise<unknown>;
  audit: { append(e: { action: string; actor: string | number; [k: string]: unknown }): Promise<number> };
}

export const WEEK = { monday: '2026-11-30', last: '2026-12-04' } as const;
const ET = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00-05:00`);

/** Audit rows are dated by the database clock; the review counts by New York date, so tests move them into the week. */
async function redate(p: Planter, seq: number, at: Date): Promise<void> {
  if (!Number.isSafeInteger(seq)) throw new Error(`bad seq ${seq}`);
  // The append-only trigger lets maintenance through; one DO block keeps the setting local to it.
  await p.run(`DO $$ BEGIN PERFORM set_config('courtside.audit_maintenance', 'on', true); UPDATE audit_log SET created_at = '${at.toISOString()}'::timestamptz WHERE seq = ${seq}; END $$`);
}

export async function plantWeek(p: Planter): Promise<void> {
  const run = p.run;
  await run(`INSERT INTO scan_runs (id, requested_by, chat_id, as_of, strategies, status, symbols, demo) VALUES ('rv-run', 1, 1, '2026-11-30', '{donchian}', 'done', 9, false) ON CONFLICT DO NOTHING`);
  const pick = async (id: string, symbol: string, strategy: string, session: string, entry: number, stop: number, state: string) =>
    run(
      `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, state, expires_at)
       VALUES ($1, 'rv-run', $2, $3, $4, $5, $6, NULL, 0.5, 1, 10, 10, '[]', false, $7, $8)`,
      [id, session, symbol, strategy, entry, stop, state, ET(session, '15:30')],
    );
  let n = 0;
  const decision = (kind: 'signal' | 'card', session: string, symbol: string, source: string, outcome: string, pickId: string | null = null) =>
    run(`INSERT INTO decisions (run_id, kind, session_date, symbol, source, outcome, pick_id, inputs, audit_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, '{}', 1)`, [
      `rv-${++n}`,
      kind,
      session,
      symbol,
      source,
      outcome,
      pickId,
    ]);

  // Signals: 6 in the week (donchian 3, turtle_soup 2, hyp:h1 1); one on the Friday before does not count.
  await decision('signal', '2026-11-30', 'AAA', 'donchian', 'sized');
  await decision('signal', '2026-12-01', 'BBB', 'donchian', 'sized');
  await decision('signal', '2026-12-01', 'CCC', 'turtle_soup', 'sized');
  await decision('signal', '2026-12-02', 'DDD', 'hyp:h1', 'sized');
  await decision('signal', '2026-12-03', 'EEE', 'donchian', 'sized');
  await decision('signal', '2026-12-03', 'FFF', 'turtle_soup', 'not_live');
  await decision('signal', '2026-11-27', 'OLD', 'donchian', 'sized');

  // Picks and cards: 5 posted (AAA approved+filled, BBB approved+refused by var, CCC rejected, DDD expired, EEE undecided); 4 not posted.
  await pick('rv-aaa', 'AAA', 'donchian', '2026-11-30', 10, 9, 'EXECUTED');
  await pick('rv-bbb', 'BBB', 'donchian', '2026-12-01', 50, 48, 'FAILED');
  await pick('rv-ccc', 'CCC', 'turtle_soup', '2026-12-01', 30, 29, 'REJECTED');
  await pick('rv-ddd', 'DDD', 'hyp:h1', '2026-12-02', 40, 39, 'EXPIRED');
  await pick('rv-eee', 'EEE', 'donchian', '2026-12-03', 25, 24, 'PENDING');
  await pick('rv-old', 'HHH', 'hyp:h1', '2026-11-20', 20, 19, 'EXECUTED');
  for (const [s, sym, src, id] of [
    ['2026-11-30', 'AAA', 'donchian', 'rv-aaa'],
    ['2026-12-01', 'BBB', 'donchian', 'rv-bbb'],
    ['2026-12-01', 'CCC', 'turtle_soup', 'rv-ccc'],
    ['2026-12-02', 'DDD', 'hyp:h1', 'rv-ddd'],
    ['2026-12-03', 'EEE', 'donchian', 'rv-eee'],
  ] as const)
    await decision('card', s, sym, src, 'posted', id);
  await decision('card', '2026-12-01', 'AAA', 'donchian', 'duplicate', 'rv-aaa');
  await decision('card', '2026-12-02', 'AAA', 'donchian', 'duplicate', 'rv-aaa');
  await decision('card', '2026-12-02', 'GGG', 'donchian', 'top_n_cut');
  await decision('card', '2026-12-03', 'FFF', 'turtle_soup', 'no_size');
  await decision('card', '2026-11-20', 'HHH', 'hyp:h1', 'posted', 'rv-old');

  const approval = async (pickId: string, state: string, gate: string | null, at: Date) => {
    const id = randomUUID();
    await run(`INSERT INTO approvals (id, pick_id, approved_by, approved_at, expires_at, state, refused_gate, updated_at) VALUES ($1, $2, 1, $3, $4, $5, $6, $3)`, [
      id,
      pickId,
      at,
      new Date(at.getTime() + 900_000),
      state,
      gate,
    ]);
    return id;
  };
  const order = async (o: { approvalId: string | null; kind: 'entry' | 'exit'; symbol: string; strategy: string; side: 'buy' | 'sell'; qty: number; fill: number; pnl: number | null; at: Date }) => {
    const id = randomUUID();
    await run(
      `INSERT INTO orders (id, approval_id, kind, exit_reason, decision_price, realized_pnl, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force,
                           state, filled_qty, avg_fill_price, budget_date, reserved_amount, booked_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'paper', $8, $9, $10, $11, $5, 'day', 'filled', $11, $5, ($12::timestamptz AT TIME ZONE 'America/New_York')::date, 0, $12, $12, $12)`,
      [id, o.approvalId, o.kind, o.kind === 'exit' ? 'stop' : null, o.fill, o.pnl, `rv-${id.slice(0, 20)}`, o.symbol, o.strategy, o.side, o.qty, o.at],
    );
    await run(`INSERT INTO fills (order_id, symbol, side, qty, price, filled_at, seq) VALUES ($1, $2, $3, $4, $5, $6, 0)`, [id, o.symbol, o.side, o.qty, o.fill, o.at]);
  };

  // AAA: entry 10 shares at 10.05 against the card's 10.00 (+50.0 bps), closed Thursday at 11.00: +$9.50, R = 9.50 / (1 × 10) = +0.95.
  const aaa = await approval('rv-aaa', 'filled', null, ET('2026-11-30', '15:40'));
  await order({ approvalId: aaa, kind: 'entry', symbol: 'AAA', strategy: 'donchian', side: 'buy', qty: 10, fill: 10.05, pnl: null, at: ET('2026-12-01', '09:31') });
  await order({ approvalId: null, kind: 'exit', symbol: 'AAA', strategy: 'donchian', side: 'sell', qty: 10, fill: 11, pnl: 9.5, at: ET('2026-12-03', '10:00') });
  await approval('rv-bbb', 'refused', 'var', ET('2026-12-01', '15:40'));
  // HHH (hyp:h1, entered the week before at 19.98 vs 20.00: not this week's slippage), closed Friday: -$5.00 over 5 shares risking $1 each, R = -1.00.
  const hhh = await approval('rv-old', 'filled', null, ET('2026-11-20', '15:40'));
  await order({ approvalId: hhh, kind: 'entry', symbol: 'HHH', strategy: 'hyp:h1', side: 'buy', qty: 5, fill: 19.98, pnl: null, at: ET('2026-11-23', '09:31') });
  await order({ approvalId: null, kind: 'exit', symbol: 'HHH', strategy: 'hyp:h1', side: 'sell', qty: 5, fill: 18.98, pnl: -5, at: ET('2026-12-04', '11:00') });
  // A closing order on the Friday before: not this week's.
  await order({ approvalId: null, kind: 'exit', symbol: 'ZZZ', strategy: 'donchian', side: 'sell', qty: 1, fill: 5, pnl: 100, at: ET('2026-11-27', '11:00') });

  // DDD expired (the audit says so); the kill switch engaged and resumed on Wednesday; one engagement the week after does not count.
  await redate(p, await p.audit.append({ action: 'pick.expired', actor: 'worker', pickId: 'rv-ddd', symbol: 'DDD', strategy: 'hyp:h1' }), ET('2026-12-02', '16:00'));
  await redate(p, await p.audit.append({ action: 'killswitch.engaged', actor: 1, reason: 'test drill', epoch: 1 }), ET('2026-12-02', '10:05'));
  await redate(p, await p.audit.append({ action: 'killswitch.resumed', actor: 1, epoch: 1 }), ET('2026-12-02', '10:20'));
  await redate(p, await p.audit.append({ action: 'killswitch.engaged', actor: 1, reason: 'later', epoch: 2 }), ET('2026-12-08', '10:05'));
}

/** The figures the planted week must produce. */
export const EXPECTED = {
  signals: 6,
  bySource: { donchian: 3, turtle_soup: 2, 'hyp:h1': 1 },
  cards: { total: 9, posted: 5 },
  posted: { approved: 2, rejected: 1, expired: 1, undecided: 1 },
  approvals: { filled: 1, refused: 1 },
  trades: 2,
  realized: 4.5,
  slippageBps: [50],
  kills: 2,
} as const;
