import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgNumeric, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { pgJsonObject } from '../../lib/sql-json.js';
import { rowsOf } from '../../lib/sql-rows.js';

/**
 * Reading the decision journal: the scan's decisions (`decisions`) and the decisions the audit
 * chain already holds (approvals, refusals, expiries, orders and their outcomes, exits, hypothesis
 * transitions, kill and resume), merged, newest first. Returns data; chat and CLI word it.
 */

/** Audit actions that are decisions (a LIKE pattern each). Steps of one order (`submitting`, `submitted`) and the scan's own digest row are left out: the order's outcome and the decision rows say it. */
export const AUDIT_DECISION_ACTIONS = [
  'pick.%',
  'execution.%',
  'order.%',
  'exit.%',
  'flatten.%',
  'close.%',
  'killswitch.engaged',
  'killswitch.resumed',
  'killswitch.flatten',
  'hypothesis.transition',
  'hypothesis.%_refused',
] as const;
const AUDIT_LEFT_OUT = ['%.submitting', '%.submitted'] as const;

/** One decision. `ref` names it for "Why" (`d<id>` a decision row, `a<seq>` an audit row). */
export interface JournalEntry {
  ref: string;
  /** When it was recorded (ISO). */
  at: string;
  /** `signal.sized`, `signal.not_live`, `card.posted`, `card.top_n_cut`, … or the audit action (`pick.approved`, `order.filled`, …). */
  action: string;
  symbol: string | null;
  /** The session a scan decision is about (YYYY-MM-DD). */
  session: string | null;
  /** The signal's source, or the strategy a pick trades. */
  source: string | null;
  pickId: string | null;
  /** The audit row: the scan's `scan.decisions` row for a decision row, the row itself otherwise. */
  auditSeq: number | null;
  /** Everything recorded with it. */
  inputs: Record<string, unknown>;
}

/** What to read: one symbol, one pick (an order or approval id leads to its pick), and/or NY dates. */
export interface JournalQuery {
  symbol?: string;
  pickId?: string;
  /** Client order ids (entries, or an exit order) whose audit rows belong to the answer. */
  clientOrderIds?: string[];
  /** NY calendar dates, inclusive. */
  from?: string;
  to?: string;
  limit: number;
  offset?: number;
}

export interface JournalPage {
  entries: JournalEntry[];
  /** Whether older entries remain after this page. */
  more: boolean;
}

/** One journal row as the read queries select it (a decision `d…` or an audit row `a…`); audit_seq is a bigint read as text. */
export const JournalRowSchema = z.object({
  ref: pgText,
  at: pgTimestamp,
  action: pgText,
  symbol: pgText.nullable(),
  session: pgText.nullable(),
  source: pgText.nullable(),
  pick_id: pgText.nullable(),
  audit_seq: pgNumeric.nullable(),
  inputs: pgJsonObject<Record<string, unknown>>(),
});
export type JournalRow = z.output<typeof JournalRowSchema>;

const NY = `'America/New_York'`;

/** One page of the journal, newest first. */
export async function readJournal(db: SqlSession, q: JournalQuery): Promise<JournalPage> {
  const p: unknown[] = [];
  const arg = (v: unknown) => {
    p.push(v);
    return `$${p.length}`;
  };
  const d: string[] = [];
  const a: string[] = [
    `payload->>'action' LIKE ANY(${arg([...AUDIT_DECISION_ACTIONS])}::text[])`,
    `NOT (payload->>'action' LIKE ANY(${arg([...AUDIT_LEFT_OUT])}::text[]))`,
  ];
  if (q.from) {
    d.push(`(d.created_at AT TIME ZONE ${NY})::date >= ${arg(q.from)}::date`);
    a.push(`(l.created_at AT TIME ZONE ${NY})::date >= $${p.length}::date`);
  }
  if (q.to) {
    d.push(`(d.created_at AT TIME ZONE ${NY})::date <= ${arg(q.to)}::date`);
    a.push(`(l.created_at AT TIME ZONE ${NY})::date <= $${p.length}::date`);
  }
  if (q.pickId !== undefined) {
    const pick = arg(q.pickId);
    const cids = arg(q.clientOrderIds ?? []);
    // The pick's own decisions, and the signals of its symbol and session (the sources behind it).
    d.push(`(d.pick_id = ${pick} OR (d.kind = 'signal' AND (d.session_date, d.symbol) IN (SELECT session_date, symbol FROM picks WHERE id = ${pick})))`);
    a.push(`(payload->>'pickId' = ${pick}
             OR payload->>'approvalId' IN (SELECT id::text FROM approvals WHERE pick_id = ${pick})
             OR payload->>'clientOrderId' = ANY(${cids}::text[]))`);
  } else if (q.clientOrderIds?.length) {
    d.push('false');
    a.push(`payload->>'clientOrderId' = ANY(${arg(q.clientOrderIds)}::text[])`);
  }
  if (q.symbol !== undefined) {
    const s = arg(q.symbol);
    d.push(`d.symbol = ${s}`);
    // Execution rows name the symbol, or only the pick / approval they belong to.
    a.push(`(payload->>'symbol' = ${s}
             OR payload->>'pickId' IN (SELECT id FROM picks WHERE symbol = ${s})
             OR payload->>'approvalId' IN (SELECT a.id::text FROM approvals a JOIN picks k ON k.id = a.pick_id WHERE k.symbol = ${s}))`);
  }
  const where = (c: string[]) => (c.length ? `WHERE ${c.join(' AND ')}` : '');
  const limit = arg(q.limit + 1);
  const offset = arg(q.offset ?? 0);
  const rows = await rowsOf(
    db,
    JournalRowSchema,
    `SELECT * FROM (
       SELECT 'd' || d.id AS ref, d.created_at AS at, d.kind || '.' || d.outcome AS action, d.symbol,
              to_char(d.session_date, 'YYYY-MM-DD') AS session, d.source, d.pick_id, d.audit_seq::text AS audit_seq, d.inputs,
              d.id AS num
         FROM decisions d ${where(d)}
       UNION ALL
       SELECT 'a' || l.seq, l.created_at, payload->>'action', payload->>'symbol', NULL,
              COALESCE(payload->>'strategy', payload->>'source'), payload->>'pickId', l.seq::text, l.payload, l.seq
         FROM audit_log l ${where(a)}
     ) j
     ORDER BY at DESC, num DESC
     LIMIT ${limit} OFFSET ${offset}`,
    p,
  );
  return { entries: rows.slice(0, q.limit).map(journalEntryOf), more: rows.length > q.limit };
}

/** A selected row as the faces get it. */
export function journalEntryOf(r: JournalRow): JournalEntry {
  return {
    ref: r.ref,
    at: new Date(r.at).toISOString(),
    action: r.action,
    symbol: r.symbol,
    session: r.session,
    source: r.source,
    pickId: r.pick_id,
    auditSeq: r.audit_seq === null ? null : Number(r.audit_seq),
    inputs: r.inputs,
  };
}
