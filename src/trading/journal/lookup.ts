import type { SqlSession, TableSession } from '../../adapters/db/port.js';
import type { DecisionRecord } from '../../adapters/db/tables/alerts/port.js';
import type { PickSource } from '../../engine/scan/pick-sources.js';
import { journalEntryOf, JournalRowSchema, type JournalEntry, type JournalQuery, type JournalRow } from './read.js';
import { z } from 'zod';
import { pgInt, pgText } from '../../lib/sql-columns.js';
import { pgJsonArray } from '../../lib/sql-json.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';
import { explainSizing, type SizingExplanation } from './sizing.js';

/** What `/journal ARG` (and the CLI's filters) ask for. */
export type JournalTarget =
  | { kind: 'all' }
  | { kind: 'today'; date: string }
  | { kind: 'symbol'; symbol: string }
  /** A pick, reached by its id or by the id of its approval or entry order. */
  | { kind: 'pick'; pickId: string; symbol: string; clientOrderIds: string[] }
  /** An exit order (no pick): its audit rows. */
  | { kind: 'order'; clientOrderId: string; symbol: string }
  | { kind: 'unknown'; text: string };

const PickSymbolRow = z.object({ symbol: pgText });
const ApprovalPickRow = z.object({ pick_id: pgText, symbol: pgText });
const ApprovalPickIdRow = z.object({ pick_id: pgText });
const OrderRefRow = z.object({ approval_id: pgText.nullable(), client_order_id: pgText, symbol: pgText });
const ClientOrderIdRow = z.object({ client_order_id: pgText });
/** A pick as the Why view shows it (entry and stop are float8; the session as ISO text). */
const PickDetailRow = z.object({
  id: pgText,
  symbol: pgText,
  strategy: pgText,
  session_date: pgText,
  entry: pgInt,
  stop: pgInt,
  qty: pgInt,
  state: pgText,
  pick_sources: pgJsonArray<PickSource>().nullable(),
});

const PICK_ID = /^p[0-9a-z]{7}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SYMBOL = /^[A-Za-z][A-Za-z0-9.-]{0,9}$/;

/**
 * Resolves what the user typed: `today`, a pick id, an approval or order id (the row's uuid or its
 * client order id), else a symbol. A token shaped like a pick id that names no pick is read as a
 * symbol.
 */
export async function resolveJournalTarget(db: SqlSession, text: string | undefined, today: string): Promise<JournalTarget> {
  const t = text?.trim() ?? '';
  if (t === '') return { kind: 'all' };
  if (t.toLowerCase() === 'today') return { kind: 'today', date: today };
  const low = t.toLowerCase();
  if (PICK_ID.test(low)) {
    const pick = await rowOf(db, PickSymbolRow, 'SELECT symbol FROM picks WHERE id = $1', [low]);
    if (pick) return { kind: 'pick', pickId: low, symbol: pick.symbol, clientOrderIds: await entryOrderIds(db, low) };
  }
  if (UUID.test(t) || /^c[sx]-/i.test(t)) {
    const byApproval = UUID.test(t) ? await rowOf(db, ApprovalPickRow, 'SELECT a.pick_id, k.symbol FROM approvals a JOIN picks k ON k.id = a.pick_id WHERE a.id = $1::uuid', [low]) : undefined;
    const order = byApproval
      ? undefined
      : await rowOf(
          db,
          OrderRefRow,
          `SELECT approval_id::text AS approval_id, client_order_id, symbol FROM orders WHERE ${UUID.test(t) ? 'id = $1::uuid' : 'client_order_id = $1'}`,
          [UUID.test(t) ? low : t],
        );
    const pickOf = async (approvalId: string) => (await rowOf(db, ApprovalPickIdRow, 'SELECT pick_id FROM approvals WHERE id = $1::uuid', [approvalId]))?.pick_id;
    const pickId = byApproval?.pick_id ?? (order?.approval_id ? await pickOf(order.approval_id) : undefined);
    if (pickId) return { kind: 'pick', pickId, symbol: byApproval?.symbol ?? order!.symbol, clientOrderIds: await entryOrderIds(db, pickId) };
    if (order) return { kind: 'order', clientOrderId: order.client_order_id, symbol: order.symbol };
    return { kind: 'unknown', text: t };
  }
  if (SYMBOL.test(t)) return { kind: 'symbol', symbol: t.toUpperCase() };
  return { kind: 'unknown', text: t };
}

async function entryOrderIds(db: SqlSession, pickId: string): Promise<string[]> {
  const rows = await rowsOf(db, ClientOrderIdRow, 'SELECT o.client_order_id FROM orders o JOIN approvals a ON a.id = o.approval_id WHERE a.pick_id = $1', [pickId]);
  return rows.map((r) => r.client_order_id);
}

/** The query a target reads (without paging). */
export function queryOf(target: JournalTarget): Omit<JournalQuery, 'limit' | 'offset'> {
  switch (target.kind) {
    case 'today':
      return { from: target.date, to: target.date };
    case 'symbol':
      return { symbol: target.symbol };
    case 'pick':
      return { pickId: target.pickId, clientOrderIds: target.clientOrderIds };
    case 'order':
      return { clientOrderIds: [target.clientOrderId] };
    default:
      return {};
  }
}

/** One entry with what explains it: the pick's sizing (every source), when it concerns a pick. */
export interface JournalDetail {
  entry: JournalEntry;
  /** The sizing of the entry's own source (a signal row), or of the source the pick trades. */
  sizing: SizingExplanation | null;
  /** The pick's figures as stored (its qty is what an order started from). */
  pick: { id: string; symbol: string; strategy: string; sessionDate: string; entry: number; stop: number; qty: number; state: string } | null;
}

/** A decision row as the journal's read queries select it (`d<id>`, `kind.outcome`), so both kinds of entry explain alike. */
function decisionRow(d: DecisionRecord | null): JournalRow | undefined {
  if (!d) return undefined;
  return {
    ref: `d${d.id}`,
    at: d.createdAt,
    action: `${d.kind}.${d.outcome}`,
    symbol: d.symbol,
    session: d.sessionDate,
    source: d.source,
    pick_id: d.pickId,
    audit_seq: d.auditSeq,
    inputs: d.inputs,
  };
}

/**
 * One entry by its ref (`d<id>` / `a<seq>`), with its sizing; null when there is none. A decision
 * row is a plain read through `tables`; an audit row, and the pick and approval behind an entry,
 * are other tables' (reviewed SQL here).
 */
export async function journalDetail(db: TableSession, ref: string): Promise<JournalDetail | null> {
  const m = /^([da])(\d{1,18})$/.exec(ref);
  if (!m) return null;
  const id = m[2]!;
  const r =
    m[1] === 'd'
      ? decisionRow(await db.tables.alerts.decision(id))
      : await rowOf(
          db,
          JournalRowSchema,
          `SELECT 'a' || seq AS ref, created_at AS at, payload->>'action' AS action, payload->>'symbol' AS symbol, NULL AS session,
                  COALESCE(payload->>'strategy', payload->>'source') AS source, payload->>'pickId' AS pick_id, seq::text AS audit_seq, payload AS inputs
             FROM audit_log WHERE seq = $1::bigint`,
          [id],
        );
  if (!r) return null;
  const entry: JournalEntry = journalEntryOf(r);
  // An audit row of an approval's run names the approval only: its pick explains the size.
  let pickId = r.pick_id;
  if (!pickId && typeof r.inputs.approvalId === 'string' && UUID.test(r.inputs.approvalId)) {
    pickId = (await rowOf(db, ApprovalPickIdRow, 'SELECT pick_id FROM approvals WHERE id = $1::uuid', [r.inputs.approvalId]))?.pick_id ?? null;
  }
  const pickRow = pickId
    ? await rowOf(
        db,
        PickDetailRow,
        `SELECT id, symbol, strategy, to_char(session_date, 'YYYY-MM-DD') AS session_date, entry, stop, qty, state, pick_sources FROM picks WHERE id = $1`,
        [pickId],
      )
    : undefined;
  const own = r.action === 'signal.sized' ? (r.inputs as unknown as PickSource) : undefined;
  const bound = pickRow?.pick_sources?.find((s) => s.source === pickRow.strategy) ?? pickRow?.pick_sources?.[0];
  const source = own?.sizing ? own : bound;
  return {
    entry: pickId && !entry.pickId ? { ...entry, pickId } : entry,
    sizing: source?.sizing ? explainSizing(source) : null,
    pick: pickRow
      ? { id: pickRow.id, symbol: pickRow.symbol, strategy: pickRow.strategy, sessionDate: pickRow.session_date, entry: pickRow.entry, stop: pickRow.stop, qty: pickRow.qty, state: pickRow.state }
      : null,
  };
}

