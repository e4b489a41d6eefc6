import { parseByCode } from '../../lib/parse-by-code.js';
import { z } from 'zod';

/**
 * Why an approval or an order was closed without a fill, RECORDED on its row
 * (`approvals.reason_detail`, `orders.reject_detail`) as a code with its
 * figures. Stored data, not chat text: every face words it itself
 * (src/bot/views/recorded-reasons.ts for chat), so /orders, the close digest
 * and a replayed outcome read the same record however the wording changes.
 */
export type RecordedReason =
  /** The approval's execution did not start before its window closed; nothing was ordered. */
  | { code: 'expired'; expiresAt: string }
  /** The kill switch stopped it (an entry at its checks or right before the POST; an exit right before its POST). */
  | { code: 'kill_switch'; order: 'entry' | 'exit'; killReason: string | null }
  /** A confirmed flatten's sell not sent: the kill switch moved from the epoch it was confirmed for (a /resume, a new /kill) before its POST. */
  | { code: 'kill_switch_changed'; confirmedEpoch: number; epoch: number | null }
  /**
   * An entry (new risk) reached the order path outside the regular session (`at`, ISO: when it was
   * checked) — a job that ran after the close, a retry, a worker that came back late: an IOC then
   * cannot fill, and a broker taking extended-hours orders might fill it at a price nobody approved.
   * Nothing was sent and nothing booked. `nextOpen` (ISO) is the next session's open, null beyond
   * the calendar. Exits never get it: they keep their own session rule. `byBroker`: our calendar
   * said open but the broker's own clock said closed (an unscheduled closure): its name.
   */
  | { code: 'market_closed'; order: 'entry'; at: string; nextOpen: string | null; byBroker?: string }
  /**
   * An entry (new risk) reached the session gate while the run-time calendar overrides of
   * `exchange` (XNYS) could not be read and no fresh-enough earlier read was at hand (`at`, ISO:
   * when it was checked; `detail`: the read's error, scrubbed — not `error`, which the order
   * lifecycle's `{ error }` answers are told apart by). A closure added with `courtside calendar
   * close` would go unseen, so nothing was sent and nothing booked. Exits never get it.
   */
  | { code: 'calendar_unknown'; order: 'entry'; at: string; exchange: string; detail: string }
  /** The reservation lost a race for the last of the daily budget. */
  | { code: 'budget_used_up'; dailyBudget: number }
  /**
   * A risk gate refused: the gate, the limit hit and its numbers (words: describeRefusal in src/engine/risk).
   * A drift refusal's `numbers.quoteIsBid` (1: the bid of a sell, 0: the ask of a buy) names the quote it measured.
   * JSON has no NaN: a non-finite figure is stored as null and reads back as NaN.
   */
  | { code: 'gate'; gate: string; limit: string; numbers: Record<string, number> }
  /** The broker account could not be read and retrying cannot help. `error` is the (scrubbed) error. */
  | { code: 'account_unreadable'; error: string }
  /**
   * The broker account's own flags forbid trading (Alpaca `trading_blocked`, `account_blocked`,
   * `trade_suspended_by_user`, in `flags`; `status` the account status): no entry was sent.
   */
  | { code: 'account_blocked'; broker: string; flags: string[]; status: string | null }
  /** The broker placed nothing and retrying cannot help (e.g. bad credentials). */
  | { code: 'not_placed'; error: string }
  /**
   * The order ended (canceled or expired) with nothing filled — or, on an order row, with less
   * than its qty filled; `endedBy` says who ended it, from the broker's record and ours (absent
   * on rows written before it was kept: read as `ioc`).
   */
  | { code: 'ioc_ended'; status: string; endedBy?: OrderEndedBy }
  /** The broker refused; `brokerReason` is the broker's own words (its data), null when it gave none. */
  | { code: 'broker_rejected'; broker: string; brokerReason: string | null }
  /** An exit decided on an earlier day that never left: today's run decides afresh. */
  | { code: 'stale_exit'; day: string }
  /** The execution job gave up after its retries. */
  | { code: 'gave_up'; tries: number; error: string }
  /**
   * The worker stopped (crash, kill -9) right after the `symbol` order's attempt mark (`attemptedAt`, ISO)
   * and the broker shows no such order: closed by the recovery pass (`markedBy` null) or marked
   * failed by an admin through /resolve (`markedBy`: their id) once the broker showed no order of ours
   * under its id (none, or another order holding it). Nothing was booked; an entry's budget is
   * released, an exit's position keeps its shares (`order` `exit`; absent on entries and older rows).
   */
  | { code: 'lost_after_crash'; symbol: string; attemptedAt: string; markedBy: string | null; order?: 'entry' | 'exit' }
  /**
   * A row written before reasons were typed: its stored English, verbatim. Also what
   * a stored value this release cannot read becomes (its JSON text): see parseRecordedReason.
   */
  | { code: 'recorded'; recorded: string };

export type RecordedReasonCode = RecordedReason['code'];

/**
 * Who ended an order that did not (fully) fill, from the broker's record and ours:
 * - `ioc`: the broker cancelled the rest of an immediate-or-cancel order (nothing offered at the limit);
 * - `kill`: /kill's cancel-all cancelled it (the broker listed it in its answer);
 * - `outside_session`: Courtside cancelled it because the broker had queued it outside the session;
 * - `day_timeout`: Courtside cancelled a DAY order left unfilled past ALPACA_DAY_CANCEL_AFTER_S;
 * - `outside_courtside`: cancelled at the broker by someone else (the dashboard, another app);
 * - `expired`: the broker expired it (a DAY order at the close).
 */
export const ORDER_ENDED_BY = ['ioc', 'kill', 'outside_session', 'day_timeout', 'outside_courtside', 'expired'] as const;
export type OrderEndedBy = (typeof ORDER_ENDED_BY)[number];

/** The broker_rejected reason, the one the order lifecycle builds from a broker's refusal. */
export type BrokerRejected = Extract<RecordedReason, { code: 'broker_rejected' }>;

/**
 * What the session gate of entries records: `market_closed` (the session was closed) or
 * `calendar_unknown` (whether it was open could not be confirmed). Both stop an entry before the
 * broker, close its order unsent and refuse the approval at the `market_closed` gate.
 */
export type MarketClosed = Extract<RecordedReason, { code: 'market_closed' | 'calendar_unknown' }>;

/**
 * The same reason with every figure that can carry outside text (an error,
 * the broker's words, the kill switch's reason) passed through `text` (the
 * run's scrubber): what is stored or returned never holds a secret.
 */
export function scrubReason(r: RecordedReason, text: (s: string) => string): RecordedReason {
  switch (r.code) {
    case 'account_unreadable':
    case 'not_placed':
    case 'gave_up':
      return { ...r, error: text(r.error) };
    case 'calendar_unknown':
      return { ...r, detail: text(r.detail) };
    case 'broker_rejected':
      return { ...r, brokerReason: r.brokerReason === null ? null : text(r.brokerReason) };
    case 'kill_switch':
      return { ...r, killReason: r.killReason === null ? null : text(r.killReason) };
    default:
      return r;
  }
}

/**
 * The reason an order row records when it is booked (`orders.reject_detail`): who ended it
 * (`ioc_ended`) when it ended canceled or expired short of its `qty` — nothing or only part
 * filled — else the broker's refusal (or words) as the lifecycle found them, else none. The same
 * for entries and exits, so /orders and the digest can say who ended the unfilled part.
 */
export function bookedReason(f: { status: string; filledQty: number; endedBy?: OrderEndedBy; rejectReason: BrokerRejected | null }, qty: number): RecordedReason | null {
  if ((f.status === 'canceled' || f.status === 'expired') && f.filledQty < qty) return { code: 'ioc_ended', status: f.status, ...(f.endedBy ? { endedBy: f.endedBy } : {}) };
  return f.rejectReason;
}

/**
 * What `orders.reject_reason` keeps next to the record: the broker's own
 * words (its data), and nothing for reasons of ours.
 */
export function brokerWords(r: RecordedReason | null): string | null {
  return r?.code === 'broker_rejected' ? r.brokerReason : null;
}

/** A reason as a `jsonb` query parameter (SQL NULL for none: `JSON.stringify(null)` would store a JSON null). */
export function reasonParam(r: RecordedReason | null): string | null {
  return r === null ? null : JSON.stringify(r);
}

// Reading rows back. Rows written before reasons were typed were converted to
// `recorded` by the migration; a row from a newer release may hold a code (or
// figures) this one does not know. Reading never throws: what does not fit is
// kept whole as its JSON text under `recorded`, so a face still shows what
// was stored rather than nothing. (No separate `unknown` code: every face
// already shows `recorded` verbatim, which is all it could do with it.)

/** A gate figure: JSON has no NaN or Infinity, so a non-finite number was stored as null; it reads back as NaN. */
const figure = z.union([z.number(), z.null().transform(() => Number.NaN)]);

const schemas: { [C in RecordedReasonCode]: z.ZodType<Extract<RecordedReason, { code: C }>, unknown> } = {
  expired: z.object({ code: z.literal('expired'), expiresAt: z.string() }),
  kill_switch: z.object({ code: z.literal('kill_switch'), order: z.enum(['entry', 'exit']), killReason: z.string().nullable() }),
  kill_switch_changed: z.object({ code: z.literal('kill_switch_changed'), confirmedEpoch: z.number(), epoch: z.number().nullable() }),
  market_closed: z.object({ code: z.literal('market_closed'), order: z.literal('entry'), at: z.string(), nextOpen: z.string().nullable(), byBroker: z.string().optional() }),
  calendar_unknown: z.object({ code: z.literal('calendar_unknown'), order: z.literal('entry'), at: z.string(), exchange: z.string(), detail: z.string() }),
  budget_used_up: z.object({ code: z.literal('budget_used_up'), dailyBudget: z.number() }),
  gate: z.object({ code: z.literal('gate'), gate: z.string(), limit: z.string(), numbers: z.record(z.string(), figure) }),
  account_unreadable: z.object({ code: z.literal('account_unreadable'), error: z.string() }),
  not_placed: z.object({ code: z.literal('not_placed'), error: z.string() }),
  account_blocked: z.object({ code: z.literal('account_blocked'), broker: z.string(), flags: z.array(z.string()), status: z.string().nullable() }),
  ioc_ended: z.object({ code: z.literal('ioc_ended'), status: z.string(), endedBy: z.enum(ORDER_ENDED_BY).optional() }),
  broker_rejected: z.object({ code: z.literal('broker_rejected'), broker: z.string(), brokerReason: z.string().nullable() }),
  stale_exit: z.object({ code: z.literal('stale_exit'), day: z.string() }),
  gave_up: z.object({ code: z.literal('gave_up'), tries: z.number(), error: z.string() }),
  lost_after_crash: z.object({ code: z.literal('lost_after_crash'), symbol: z.string(), attemptedAt: z.string(), markedBy: z.string().nullable(), order: z.enum(['entry', 'exit']).optional() }),
  recorded: z.object({ code: z.literal('recorded'), recorded: z.string() }),
};

/** A stored `reason_detail` / `reject_detail` value read back; never throws (see above). */
export function parseRecordedReason(raw: unknown): RecordedReason {
  return parseByCode<RecordedReason, RecordedReason>(schemas, raw, (v) => ({ code: 'recorded', recorded: typeof v === 'string' ? v : JSON.stringify(v) }));
}

/** A nullable `jsonb` reason column read back: SQL NULL stays null. */
export function storedReason(raw: unknown): RecordedReason | null {
  return raw === null || raw === undefined ? null : parseRecordedReason(raw);
}
