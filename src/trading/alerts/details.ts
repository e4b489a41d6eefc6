import { parseByCode } from '../../lib/parse-by-code.js';
import { z } from 'zod';
import type { CircuitTrip } from '../circuit-breaker/types.js';
import { parseRecordedReason, type RecordedReason } from '../execution/recorded-reasons.js';
import type { ReconcileFix, ReconcileMismatch, ReconcileReport } from '../execution/reconcile.js';

/**
 * What a raiser found, stored in `alerts.detail` as a code with its figures.
 * Data, not chat text: every face words it itself (src/bot/views/alert-text.ts
 * for chat), so a release can reword an alert without rewriting history, and
 * /readyz can hand the figures to a machine as they are. Times are ISO 8601
 * strings, durations milliseconds.
 */
export type AlertDetail =
  /** A role expected to run has never beaten in this database. */
  | { code: 'heartbeat.absent'; role: string }
  /** A role's newest heartbeat (over all its instances) is too old. */
  | { code: 'heartbeat.missed'; role: string; ageMs: number; lastBeatAt: string; host: string }
  /** A scheduled slot was due and has no record it was enqueued. */
  | { code: 'slot.missed'; slot: string; sessionDate: string; dueAt: string; lateMs: number }
  /** A job failed after its retries. Null: the queue did not say. `error` is capped at 500 characters. */
  | { code: 'job.failed'; job: string; jobId: string | null; queue: string | null; attempts: number | null; error: string }
  /** The broker refused an order, and why (as recorded on the approval). */
  | { code: 'broker.rejected'; broker: string; symbol: string; reason: RecordedReason }
  /** The broker account's own flags forbid trading (read at worker start-up): new entries are refused. */
  | { code: 'account.blocked'; broker: string; flags: string[]; status: string | null }
  /** The broker holds a different order under an order's client order id; `evidence` is the broker's order as the adapter described it (≤ 500 characters). */
  | { code: 'order.ambiguous'; broker: string; clientOrderId: string; evidence: string }
  /** Real (non-DEMO) market data whose newest bar is older than the session. */
  | { code: 'data.stale'; source: string; last: string; sessionDate: string }
  /** A reconciliation found differences: its figures, capped (see {@link reconcileMismatchDetail}). */
  | ReconcileMismatchDetail
  /** The circuit breaker engaged the kill switch for the market traded through `broker`: the figures that tripped it and the kill epoch it produced. */
  | { code: 'circuit.tripped'; broker: string; epoch: number | null; trip: CircuitTrip }
  /** Messages to a chat have failed (429s, errors) without a success for `failingMs` since `since`; `lastError` is Telegram's last answer (≤ 300 characters). */
  | { code: 'delivery.failing'; chatId: number; since: string; failingMs: number; lastError: string }
  /**
   * A preflight (issue 20) found a ✗: who ran it and when, whether it blocks new entries (a live
   * broker), and the failing checks (the first {@link PREFLIGHT_FAILS_KEPT}; `failCount` counts all).
   */
  | PreflightFailedDetail
  /** A row written before alerts were typed: its stored English, verbatim. */
  | { code: 'recorded'; recorded: string }
  /** Read back only: a code this release does not know (a newer release wrote it), or figures that do not fit its code. */
  | UnknownDetail;

/** A reconciliation that found differences, as an alert keeps it. */
export interface ReconcileMismatchDetail {
  code: 'reconcile.mismatch';
  broker: string;
  checkedAt: string;
  /** How many of each the report had; the lists below keep at most {@link RECONCILE_ITEMS_KEPT} each. */
  fixedCount: number;
  mismatchCount: number;
  fixed: ReconcileFix[];
  mismatches: ReconcileMismatch[];
}

/** A failed preflight, as an alert keeps it. */
export interface PreflightFailedDetail {
  code: 'preflight.failed';
  /** BROKER as configured when it ran. */
  broker: string;
  /** True with a live broker: new entries stay blocked until a preflight passes. */
  blocksEntries: boolean;
  /** ISO time the run started. */
  at: string;
  by: string;
  failCount: number;
  failing: { id: string; title: string; saw: string; fix: string | null }[];
}

/** At most this many failing checks are kept in a preflight alert, so the row stays small. */
export const PREFLIGHT_FAILS_KEPT = 8;

/** A stored detail this release cannot read: faces show its code (if any) and figures as they are. */
export interface UnknownDetail {
  code: 'unknown';
  raw: unknown;
}

/** What a raiser may store (the `unknown` code only comes from reading a row). */
export type RaisedAlertDetail = Exclude<AlertDetail, UnknownDetail>;

export type AlertDetailCode = AlertDetail['code'];

/**
 * What a resolver found, stored in `alerts.resolve_detail` (null: the
 * resolver said nothing; faces fall back to the alert's own detail).
 */
export type ResolveDetail =
  /** A job of the failed name completed. */
  | { code: 'job.completing'; job: string; jobId: string | null }
  /** The role beats again. */
  | { code: 'heartbeat.beating'; role: string; lastBeatAt: string; host: string }
  /** The slot's next occurrence was enqueued. */
  | { code: 'slot.enqueued'; slot: string; sessionDate: string }
  /** The broker accepted (filled, or left unfilled) an order again. */
  | { code: 'broker.accepting'; broker: string }
  /** The source's newest bar is current for the session again. */
  | { code: 'data.current'; source: string; last: string }
  /** A reconciliation matched again. */
  | { code: 'reconcile.matching'; broker: string }
  /** The kill switch was found resumed after the circuit breaker tripped it: the breaker counts afresh. */
  | { code: 'circuit.resumed'; broker: string }
  /** A message reached the chat again. */
  | { code: 'delivery.recovered'; chatId: number }
  /** The broker took an order again after refusing one (`symbol`: the order it took). */
  | { code: 'broker.accepted'; broker: string; symbol: string }
  /** A later preflight had no ✗: new entries are allowed again. */
  | { code: 'preflight.passed'; at: string; by: string; level: 'pass' | 'warn' }
  /** An admin settled the order an `order.ambiguous` alert was about (/resolve): booked or failed. */
  | { code: 'order.settled'; clientOrderId: string; result: 'booked' | 'failed'; by: string; /** `exit` for a stop, time stop, close or flatten order (no budget to release); absent: an entry. */ kind?: 'entry' | 'exit' }
  /** A row written before alerts were typed: its stored English, verbatim. */
  | { code: 'recorded'; recorded: string }
  /** Read back only: a code this release does not know. */
  | UnknownDetail;

export type RaisedResolveDetail = Exclude<ResolveDetail, UnknownDetail>;

/** At most this many fixes and this many mismatches are kept in an alert, so the row stays small. */
export const RECONCILE_ITEMS_KEPT = 8;
/** Error texts inside a kept mismatch are cut to this many characters. */
const ERROR_CHARS = 300;

/** A reconciliation report as an alert stores it: the counts, and the first few fixes and mismatches. */
export function reconcileMismatchDetail(report: ReconcileReport): ReconcileMismatchDetail {
  return {
    code: 'reconcile.mismatch',
    broker: report.broker,
    checkedAt: report.checkedAt,
    fixedCount: report.fixed.length,
    mismatchCount: report.mismatches.length,
    fixed: report.fixed.slice(0, RECONCILE_ITEMS_KEPT),
    mismatches: report.mismatches.slice(0, RECONCILE_ITEMS_KEPT).map((m) => (m.error !== undefined && m.error.length > ERROR_CHARS ? { ...m, error: m.error.slice(0, ERROR_CHARS) } : m)),
  };
}

// Reading rows back. Rows may come from an older release (converted to `recorded`
// by the migration) or a newer one (codes this one does not know): parsing never
// throws, and what does not fit becomes `unknown` with the stored value kept.

const isoOrText = z.string();
const nullableString = z.string().nullable();

/** A recorded reason read back through the execution's own parser: a code from a newer release is kept as its JSON under `recorded`. */
const recordedReason = z.unknown().transform(parseRecordedReason);

const fixSchema = z.object({
  kind: z.enum(['booked_entry', 'booked_exit']),
  clientOrderId: z.string(),
  symbol: z.string(),
  strategy: z.string(),
  status: z.string(),
  filledQty: z.number(),
  qty: z.number(),
  avgFillPrice: z.number().nullable(),
});

const mismatchSchema = z.object({
  kind: z.enum(['unknown_broker_order', 'missing_at_broker', 'open_at_broker_booked_here', 'never_sent', 'qty', 'avg_cost', 'lookup_failed', 'fix_failed', 'broker_unreadable']),
  symbol: z.string().nullable(),
  clientOrderId: z.string().optional(),
  orderKind: z.enum(['entry', 'exit']).optional(),
  order: z.object({ side: z.string(), qty: z.number(), symbol: z.string(), limitPrice: z.number().nullable(), status: z.string(), clientOrderId: z.string() }).optional(),
  what: z.enum(['open orders', 'positions']).optional(),
  status: z.string().optional(),
  ours: z.number().optional(),
  broker: z.number().optional(),
  parts: z.string().optional(),
  diffPct: z.number().optional(),
  tolerancePct: z.number().optional(),
  error: z.string().optional(),
});

const circuitTripSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('broker_rejections'), limit: z.number(), clientOrderIds: z.array(z.string()), lastBrokerReason: nullableString }),
  z.object({
    kind: z.literal('session_loss'),
    sessionDate: z.string(),
    currency: z.string(),
    realized: z.number(),
    unrealized: z.number(),
    unpriced: z.number(),
    loss: z.number(),
    equity: z.number(),
    equityAsOf: z.string(),
    pct: z.number(),
    threshold: z.number(),
  }),
]);

const alertSchemas: { [C in Exclude<AlertDetailCode, 'unknown'>]: z.ZodType<Extract<AlertDetail, { code: C }>, unknown> } = {
  'heartbeat.absent': z.object({ code: z.literal('heartbeat.absent'), role: z.string() }),
  'heartbeat.missed': z.object({ code: z.literal('heartbeat.missed'), role: z.string(), ageMs: z.number(), lastBeatAt: isoOrText, host: z.string() }),
  'slot.missed': z.object({ code: z.literal('slot.missed'), slot: z.string(), sessionDate: z.string(), dueAt: isoOrText, lateMs: z.number() }),
  'job.failed': z.object({ code: z.literal('job.failed'), job: z.string(), jobId: nullableString, queue: nullableString, attempts: z.number().nullable(), error: z.string() }),
  'broker.rejected': z.object({ code: z.literal('broker.rejected'), broker: z.string(), symbol: z.string(), reason: recordedReason }),
  'account.blocked': z.object({ code: z.literal('account.blocked'), broker: z.string(), flags: z.array(z.string()), status: z.string().nullable() }),
  'order.ambiguous': z.object({ code: z.literal('order.ambiguous'), broker: z.string(), clientOrderId: z.string(), evidence: z.string() }),
  'data.stale': z.object({ code: z.literal('data.stale'), source: z.string(), last: z.string(), sessionDate: z.string() }),
  'reconcile.mismatch': z.object({
    code: z.literal('reconcile.mismatch'),
    broker: z.string(),
    checkedAt: isoOrText,
    fixedCount: z.number(),
    mismatchCount: z.number(),
    fixed: z.array(fixSchema),
    mismatches: z.array(mismatchSchema),
  }),
  'circuit.tripped': z.object({ code: z.literal('circuit.tripped'), broker: z.string(), epoch: z.number().nullable(), trip: circuitTripSchema }),
  'delivery.failing': z.object({ code: z.literal('delivery.failing'), chatId: z.number(), since: isoOrText, failingMs: z.number(), lastError: z.string() }),
  'preflight.failed': z.object({
    code: z.literal('preflight.failed'),
    broker: z.string(),
    blocksEntries: z.boolean(),
    at: isoOrText,
    by: z.string(),
    failCount: z.number(),
    failing: z.array(z.object({ id: z.string(), title: z.string(), saw: z.string(), fix: nullableString })),
  }),
  recorded: z.object({ code: z.literal('recorded'), recorded: z.string() }),
};

const resolveSchemas: { [C in Exclude<ResolveDetail['code'], 'unknown'>]: z.ZodType<Extract<ResolveDetail, { code: C }>, unknown> } = {
  'job.completing': z.object({ code: z.literal('job.completing'), job: z.string(), jobId: nullableString }),
  'heartbeat.beating': z.object({ code: z.literal('heartbeat.beating'), role: z.string(), lastBeatAt: isoOrText, host: z.string() }),
  'slot.enqueued': z.object({ code: z.literal('slot.enqueued'), slot: z.string(), sessionDate: z.string() }),
  'broker.accepting': z.object({ code: z.literal('broker.accepting'), broker: z.string() }),
  'data.current': z.object({ code: z.literal('data.current'), source: z.string(), last: z.string() }),
  'reconcile.matching': z.object({ code: z.literal('reconcile.matching'), broker: z.string() }),
  'circuit.resumed': z.object({ code: z.literal('circuit.resumed'), broker: z.string() }),
  'delivery.recovered': z.object({ code: z.literal('delivery.recovered'), chatId: z.number() }),
  'broker.accepted': z.object({ code: z.literal('broker.accepted'), broker: z.string(), symbol: z.string() }),
  'preflight.passed': z.object({ code: z.literal('preflight.passed'), at: isoOrText, by: z.string(), level: z.enum(['pass', 'warn']) }),
  'order.settled': z.object({ code: z.literal('order.settled'), clientOrderId: z.string(), result: z.enum(['booked', 'failed']), by: z.string(), kind: z.enum(['entry', 'exit']).optional() }),
  recorded: z.object({ code: z.literal('recorded'), recorded: z.string() }),
};

function parseWith<T>(schemas: Record<string, z.ZodType<T, unknown>>, raw: unknown): T | UnknownDetail {
  return parseByCode(schemas, raw, (v): UnknownDetail => ({ code: 'unknown', raw: v }));
}

/** An `alerts.detail` value read back; never throws (see {@link UnknownDetail}). */
export function parseAlertDetail(raw: unknown): AlertDetail {
  return parseWith<AlertDetail>(alertSchemas, raw);
}

/** An `alerts.resolve_detail` value read back: null stays null; never throws. */
export function parseResolveDetail(raw: unknown): ResolveDetail | null {
  return raw === null || raw === undefined ? null : parseWith<ResolveDetail>(resolveSchemas, raw);
}
