import { z } from 'zod';
import type { UnitOfWork } from '../../adapters/db/port.js';
import { pgInt, pgNumeric, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';
import { Confirmations, type ConfirmBinding, type ConfirmRefusal, type IssuedConfirmation } from '../confirmations/confirmations.js';
import { settleApproval, type ExecutionDeps } from './execute.js';
import { alertKeys, type Alerts } from '../alerts/alerts.js';
import { lookUpEvidence } from './broker-evidence.js';
import { clientOrderIdFor } from './ids.js';
import { refOf } from './order-lifecycle.js';
import { approvalStateVersion } from './state-version.js';
import type { BrokerEvidence, ExitResolveResult, SettleMode, SettleResult } from './stuck-types.js';
import { exitChoices, exitDeskFor, exitStateVersion, looksLikeExitClientOrderId, settleExit } from './settle-exit.js';
import { approvalOrigin, type ApprovalOrigin } from './approval-origin.js';

const MarketRow = z.object({ market: z.enum(['US', 'KR']) });

/**
 * The deps of the market an order belongs to (by its approval or its client
 * order id): a KR order is looked up and settled at the KR broker. Throws when
 * the order is KR and this process has no KR broker, rather than asking the US
 * broker, which would answer "no such order" and let it be marked failed.
 */
async function laneOf(deps: StuckDeps, by: 'approval_id' | 'client_order_id', id: string): Promise<ExecutionDeps> {
  const row = await rowOf(deps.execution.db, MarketRow, `SELECT market FROM orders WHERE ${by} = $1 ORDER BY created_at LIMIT 1`, [id]);
  if (row?.market !== 'KR') return deps.execution;
  if (!deps.kr) throw new Error(`order ${id} is a KR order and this process has no KR broker: run /resolve where BROKER_KR is configured`);
  return deps.kr;
}

/** What /stuck, /resolve and `courtside orders stuck` need. */
export interface StuckDeps {
  /** The entries' deps: the database, the configured broker (look-ups only), the audit chain. */
  execution: ExecutionDeps;
  /** Korea's deps (its broker): a KR order is looked up and settled there, never at the US broker. */
  kr?: ExecutionDeps;
  /** EXEC_RESOLVE_AFTER_MS: only attempt marks older than this are stuck (younger ones may have a run on them). */
  resolveAfterMs: number;
  now?: () => Date;
  /** Where an `order.ambiguous` alert about the approval's order is closed once an admin settles it. */
  alerts?: Pick<Alerts, 'resolve'>;
}

/** An approval stuck after its attempt mark that the recovery pass could not settle (or has not yet). */
export interface StuckApproval {
  approvalId: string;
  pickId: string;
  symbol: string;
  side: 'buy' | 'sell';
  qty: number;
  limitPrice: number;
  /** Still reserved on the daily budget until it is settled. */
  reserved: number;
  clientOrderId: string;
  broker: string;
  brokerOrderId: string | null;
  orderState: string;
  /** Telegram user id of the approver. */
  approvedBy: number;
  /** ISO time of the attempt mark. */
  attemptedAt: string;
  ageMs: number;
  /** The state version a /resolve confirmation binds (see `approvalStateVersion`). */
  version: number;
}

/** An exit order (stop, time stop, flatten) stuck the same way. */
export interface StuckExit {
  clientOrderId: string;
  symbol: string;
  strategy: string;
  exitReason: string;
  qty: number;
  broker: string;
  brokerOrderId: string | null;
  orderState: string;
  attemptedAt: string;
  ageMs: number;
  /** The state version a /resolve confirmation binds (see `exitStateVersion`). */
  version: number;
}

/** Everything stuck now, from Postgres (no broker call). */
export interface StuckList {
  asOf: string;
  resolveAfterMs: number;
  approvals: StuckApproval[];
  exits: StuckExit[];
}

/** The two confirm actions of /resolve; the subject is `approval:<id>`, the version the state version. */
export const MARK_FAILED_CONFIRM = 'execution.mark_failed';
export const BOOK_FILL_CONFIRM = 'execution.book_fill';
export type ResolveChoice = 'mark_failed' | 'book_fill';
const actionOf = (c: ResolveChoice) => (c === 'mark_failed' ? MARK_FAILED_CONFIRM : BOOK_FILL_CONFIRM);
const subjectOf = (approvalId: string) => `approval:${approvalId}`;
/** An exit's confirmations are bound to `exit:<client order id>` (a subject apart from approvals'). */
const EXIT_SUBJECT = 'exit:';
/** The suffix of a Mark failed subject shown next to an order at the broker: the press must find nothing there (see SettleMode). */
const VERIFY = ':verify';

const nowOf = (deps: StuckDeps) => deps.now?.() ?? new Date();

/** A settled order's alert that could not be closed: it stays open for an admin to clear; the settling stands. */
const alertNotClosed = (deps: StuckDeps, cid: string) => (err: unknown) =>
  deps.execution.logger?.debug({ err, clientOrderId: cid }, 'order.ambiguous alert not closed after settling; it stays open, the settling stands');

/** What the listing needs: Postgres only (the CLI lists without a broker). */
export interface StuckListDeps {
  db: UnitOfWork;
  resolveAfterMs: number;
  now?: () => Date;
}

/** A stuck entry: its approval and order (numerics and the approver's bigint id as text; `v` the state version, microseconds as text). */
const StuckApprovalRow = z.object({
  approval_id: pgText,
  pick_id: pgText,
  symbol: pgText,
  side: z.enum(['buy', 'sell']),
  qty: pgInt,
  limit_price: pgNumeric,
  reserved_amount: pgNumeric,
  client_order_id: pgText,
  broker: pgText,
  broker_order_id: pgText.nullable(),
  state: pgText,
  approved_by: pgText,
  submit_attempted_at: pgTimestamp,
  v: pgText,
});
/** A stuck exit order (`v` as above). */
const StuckExitRow = z.object({
  client_order_id: pgText,
  symbol: pgText,
  strategy: pgText,
  exit_reason: pgText,
  qty: pgInt,
  broker: pgText,
  broker_order_id: pgText.nullable(),
  state: pgText,
  submit_attempted_at: pgTimestamp,
  v: pgText,
});
const SubjectRow = z.object({ subject: pgText });

/** Unbooked orders whose attempt mark is older than EXEC_RESOLVE_AFTER_MS: what the pass left (ambiguous) or has not reached yet. */
export async function listStuck(deps: StuckListDeps): Promise<StuckList> {
  const now = deps.now?.() ?? new Date();
  const olderThan = new Date(now.getTime() - deps.resolveAfterMs);
  const db = deps.db;
  const [approvals, exits] = await Promise.all([
    rowsOf(
      db,
      StuckApprovalRow,
      `SELECT a.id AS approval_id, a.pick_id, o.symbol, o.side, o.qty, o.limit_price, o.reserved_amount, o.client_order_id, o.broker, o.broker_order_id, o.state,
              a.approved_by::text AS approved_by, o.submit_attempted_at,
              floor(extract(epoch FROM greatest(a.updated_at, o.updated_at)) * 1000000)::bigint::text AS v
         FROM approvals a JOIN orders o ON o.approval_id = a.id
        WHERE a.state IN ('approved', 'executing') AND o.booked_at IS NULL AND o.submit_attempted_at IS NOT NULL AND o.submit_attempted_at <= $1
        ORDER BY o.submit_attempted_at`,
      [olderThan],
    ),
    rowsOf(
      db,
      StuckExitRow,
      `SELECT client_order_id, symbol, strategy, exit_reason, qty, broker, broker_order_id, state, submit_attempted_at,
              floor(extract(epoch FROM updated_at) * 1000000)::bigint::text AS v FROM orders
        WHERE kind = 'exit' AND booked_at IS NULL AND submit_attempted_at IS NOT NULL AND submit_attempted_at <= $1
        ORDER BY submit_attempted_at`,
      [olderThan],
    ),
  ]);
  return {
    asOf: now.toISOString(),
    resolveAfterMs: deps.resolveAfterMs,
    approvals: approvals.map((r) => ({
      approvalId: r.approval_id,
      pickId: r.pick_id,
      symbol: r.symbol,
      side: r.side,
      qty: r.qty,
      limitPrice: Number(r.limit_price),
      reserved: Number(r.reserved_amount),
      clientOrderId: r.client_order_id,
      broker: r.broker,
      brokerOrderId: r.broker_order_id,
      orderState: r.state,
      approvedBy: Number(r.approved_by),
      attemptedAt: r.submit_attempted_at.toISOString(),
      ageMs: now.getTime() - r.submit_attempted_at.getTime(),
      version: Number(r.v),
    })),
    exits: exits.map((r) => ({
      clientOrderId: r.client_order_id,
      symbol: r.symbol,
      strategy: r.strategy,
      exitReason: r.exit_reason,
      qty: r.qty,
      broker: r.broker,
      brokerOrderId: r.broker_order_id,
      orderState: r.state,
      attemptedAt: r.submit_attempted_at.toISOString(),
      ageMs: now.getTime() - r.submit_attempted_at.getTime(),
      version: Number(r.v),
    })),
  };
}

/** What /resolve shows: the stuck approval, the broker's evidence, and one confirmation per choice. */
export type ResolveAsk =
  | { kind: 'not_stuck'; approvalId: string }
  | { kind: 'ask'; item: StuckApproval; evidence: BrokerEvidence; markFailed: IssuedConfirmation; bookFill: IssuedConfirmation }
  | { kind: 'exit_not_stuck'; clientOrderId: string }
  /** A stuck exit: only the choices the evidence allows get a confirmation (null: no button). */
  | { kind: 'exit_ask'; item: StuckExit; evidence: BrokerEvidence; markFailed: IssuedConfirmation | null; bookFill: IssuedConfirmation | null };

/**
 * /resolve <approval id>: looks the order up at the broker (never sends it)
 * and issues a Mark failed and a Book fill confirmation, each bound to the
 * approval and to the state version shown. Only a stuck approval (see
 * {@link listStuck}) is offered. An exit's client order id (`cx-…`, as /stuck
 * lists it) is looked up as an exit instead (see askResolveExit).
 */
export async function askResolve(deps: StuckDeps, approvalId: string, by: number | string): Promise<ResolveAsk> {
  if (looksLikeExitClientOrderId(approvalId)) return askResolveExit(deps, approvalId.trim().toLowerCase(), by);
  const id = approvalId.trim().toLowerCase();
  const item = (await listStuck({ db: deps.execution.db, resolveAfterMs: deps.resolveAfterMs, ...(deps.now ? { now: deps.now } : {}) })).approvals.find((a) => a.approvalId === id);
  if (!item) return { kind: 'not_stuck', approvalId: id };
  const broker = (await laneOf(deps, 'approval_id', id)).broker;
  const { evidence } = await lookUpEvidence(
    broker,
    refOf({
      id: '',
      client_order_id: item.clientOrderId,
      symbol: item.symbol,
      side: item.side,
      qty: item.qty,
      limit_price: String(item.limitPrice),
      time_in_force: 'ioc',
      state: 'new',
      broker_order_id: item.brokerOrderId,
      submit_attempted_at: new Date(item.attemptedAt),
      booked_at: null,
    }),
    (t) => (deps.execution.scrub ?? ((x: string) => x))(t).slice(0, 300),
  );
  const tokens = new Confirmations(deps.execution.db, deps.now ? { now: deps.now } : {});
  const verify = evidence.kind === 'found' ? VERIFY : '';
  const issue = (c: ResolveChoice) => tokens.issue({ action: actionOf(c), subject: `${subjectOf(id)}${c === 'mark_failed' ? verify : ''}`, version: item.version, issuedBy: by });
  const [markFailed, bookFill] = await Promise.all([issue('mark_failed'), issue('book_fill')]);
  return { kind: 'ask', item, evidence, markFailed, bookFill };
}

/**
 * /resolve <exit client order id>: the exit as /stuck lists it, the broker's
 * evidence (a lookup, never a POST), and a confirmation for each choice the
 * evidence allows, bound to the exit row's state version: Mark failed when
 * the broker has no order under the id or the one there is not ours; Book
 * fill when the order there is ours and final.
 */
async function askResolveExit(deps: StuckDeps, cid: string, by: number | string): Promise<ResolveAsk> {
  const item = (await listStuck({ db: deps.execution.db, resolveAfterMs: deps.resolveAfterMs, ...(deps.now ? { now: deps.now } : {}) })).exits.find((x) => x.clientOrderId === cid);
  if (!item) return { kind: 'exit_not_stuck', clientOrderId: cid };
  const lane = await laneOf(deps, 'client_order_id', cid);
  const desk = exitDeskFor(lane, 5_000);
  const row = await desk.orderByClientId(cid);
  if (!row) return { kind: 'exit_not_stuck', clientOrderId: cid };
  const { evidence } = await lookUpEvidence(lane.broker, refOf(row), (t) => (deps.execution.scrub ?? ((x: string) => x))(t).slice(0, 300));
  const allowed = exitChoices(evidence);
  const tokens = new Confirmations(deps.execution.db, deps.now ? { now: deps.now } : {});
  const issue = (c: ResolveChoice) => tokens.issue({ action: actionOf(c), subject: `${EXIT_SUBJECT}${cid}`, version: item.version, issuedBy: by });
  const [markFailed, bookFill] = await Promise.all([allowed.markFailed ? issue('mark_failed') : null, allowed.bookFill ? issue('book_fill') : null]);
  return { kind: 'exit_ask', item, evidence, markFailed, bookFill };
}

/** What a /resolve button press did. */
export type ResolveVerdict =
  /** `exit`: for an exit's press, the row as it is now (what changed, for a stale press). */
  | { kind: 'refused'; refusal: ConfirmRefusal; exit?: { clientOrderId: string; state: string; booked: boolean } }
  /**
   * The settling run's result (booked, failed, or refused as `ambiguous` with the fresh evidence; `busy` when a run holds the lock).
   * `origin`: where the approval came from, for telling its approver (null when the approval is gone).
   */
  | { kind: 'settled'; approvalId: string; result: SettleResult; origin?: ApprovalOrigin | null }
  /** An exit's settling: booked, marked failed, or refused with the fresh evidence. */
  | { kind: 'exit_settled'; clientOrderId: string; result: ExitResolveResult };

/**
 * A /resolve button: spends its token only if the approval is still at the
 * state version it was shown for, then settles it under the approval lock
 * (which checks the version again): Mark failed closes it failed (budget
 * released) unless the broker now shows an order; Book fill books the
 * broker's final answer once. Never sends an order.
 */
export async function confirmResolve(deps: StuckDeps, choice: ResolveChoice, tokenId: string, by: number | string): Promise<ResolveVerdict> {
  const action = actionOf(choice);
  const db = deps.execution.db;
  // The button has room for the token only: the token's row says which approval it is for.
  const bound = await rowOf(db, SubjectRow, `SELECT subject FROM confirmations WHERE id = $1 AND action = $2`, [tokenId, action]);
  const subject = bound?.subject;
  if (subject?.startsWith(EXIT_SUBJECT)) return confirmResolveExit(deps, choice, tokenId, subject, by);
  if (!subject?.startsWith('approval:')) return { kind: 'refused', refusal: { kind: 'unknown' } };
  const verified = subject.endsWith(VERIFY);
  const approvalId = subject.slice('approval:'.length, verified ? -VERIFY.length : undefined);
  const binding: ConfirmBinding = { action, subject };
  const current = await approvalStateVersion(db, approvalId);
  const tokens = new Confirmations(db, deps.now ? { now: deps.now } : {});
  const verdict = await tokens.redeem(tokenId, binding, { version: current?.version ?? null, changedAt: current?.changedAt ?? null }, by);
  if (verdict.kind !== 'ok') return { kind: 'refused', refusal: verdict };
  const olderThan = new Date(nowOf(deps).getTime() - deps.resolveAfterMs);
  const mode: SettleMode = choice === 'mark_failed' ? { kind: 'mark_failed', by: String(by), version: verdict.version, verified } : { kind: 'book_fill', by: String(by), version: verdict.version };
  const result = await settleApproval(await laneOf(deps, 'approval_id', approvalId), approvalId, mode, { olderThan, lockWaitMs: 5_000 });
  if (result.kind === 'changed') {
    const after = await approvalStateVersion(db, approvalId);
    return { kind: 'refused', refusal: { kind: 'stale', version: verdict.version, currentVersion: result.version, changedAt: after?.changedAt ?? null } };
  }
  if (deps.alerts && (result.kind === 'booked' || result.kind === 'failed')) {
    const cid = clientOrderIdFor(approvalId);
    // The alert is the admins' to-do: settled, it closes (a failure to close it never undoes the settling).
    await deps.alerts
      .resolve(alertKeys.orderAmbiguous(cid), { code: 'order.settled', clientOrderId: cid, result: result.kind, by: String(by) })
      .catch(alertNotClosed(deps, cid));
  }
  const origin = result.kind === 'booked' || result.kind === 'failed' ? await approvalOrigin(db, approvalId) : null;
  return { kind: 'settled', approvalId, result, origin };
}

/**
 * An exit's /resolve button: spends its token only if the exit row is still
 * at the state version it was shown for, then settles it under the position
 * lock (which checks the version again and asks the broker afresh). Settled
 * (booked or marked failed), the exit's `order.ambiguous` alert closes.
 */
async function confirmResolveExit(deps: StuckDeps, choice: ResolveChoice, tokenId: string, subject: string, by: number | string): Promise<ResolveVerdict> {
  const db = deps.execution.db;
  const cid = subject.slice(EXIT_SUBJECT.length);
  const current = await exitStateVersion(db, cid);
  const row = current ? { clientOrderId: cid, state: current.state, booked: current.booked } : undefined;
  const tokens = new Confirmations(db, deps.now ? { now: deps.now } : {});
  const verdict = await tokens.redeem(tokenId, { action: actionOf(choice), subject }, { version: current?.version ?? null, changedAt: current?.changedAt ?? null }, by);
  if (verdict.kind !== 'ok') return { kind: 'refused', refusal: verdict, ...(row ? { exit: row } : {}) };
  const olderThan = new Date(nowOf(deps).getTime() - deps.resolveAfterMs);
  const result = await settleExit(exitDeskFor(await laneOf(deps, 'client_order_id', cid), 5_000), cid, { kind: choice, by: String(by), version: verdict.version }, olderThan);
  if (result.kind === 'changed') {
    const after = await exitStateVersion(db, cid);
    return {
      kind: 'refused',
      refusal: { kind: 'stale', version: verdict.version, currentVersion: result.version, changedAt: after?.changedAt ?? null },
      ...(after ? { exit: { clientOrderId: cid, state: after.state, booked: after.booked } } : {}),
    };
  }
  if (deps.alerts && (result.kind === 'booked' || result.kind === 'failed')) {
    // The alert is the admins' to-do: settled, it closes (a failure to close it never undoes the settling).
    await deps.alerts
      .resolve(alertKeys.orderAmbiguous(cid), { code: 'order.settled', clientOrderId: cid, result: result.kind, by: String(by), kind: 'exit' })
      .catch(alertNotClosed(deps, cid));
  }
  return { kind: 'exit_settled', clientOrderId: cid, result };
}
