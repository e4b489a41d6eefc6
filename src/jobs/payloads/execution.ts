import { z } from 'zod';
import { calendarDate } from '../../lib/dates.js';
import { commandContextSchema } from './common.js';

/**
 * Turn one approval into at most one order. The jobId is `exec-<approvalId>`:
 * a double tap, a replayed update or a re-enqueue of an approved pick all land
 * on the same job, and the job itself is idempotent.
 */
export const executionRunSchema = z.object({
  approvalId: z.uuid(),
  pickId: z.string().min(1).max(40),
  chatId: z.number().int(),
  /** Who approved (Telegram user id). */
  userId: z.number().int().positive(),
  /** The pick card, edited with the outcome when known. */
  cardMessageId: z.number().int().positive().optional(),
});
export type ExecutionRunPayload = z.infer<typeof executionRunSchema>;

/** After /kill: cancel every open order at the broker and reply with the proof (open orders now 0). */
export const executionCancelAllSchema = commandContextSchema.extend({ reason: z.string().max(200).optional() });

/**
 * `/kill flatten` after its confirm button: sell every open position. `epoch` is the kill epoch
 * the confirmation was made for; the flatten stops selling as soon as the switch is at another.
 */
export const executionFlattenSchema = commandContextSchema.extend({
  epoch: z.number().int().nonnegative(),
  /** One market's book only (a flatten queued for that market's open). Absent: every wired market, US first (`/kill flatten` names none). */
  market: z.enum(['US', 'KR']).optional(),
});

/** A stop / target / time-stop pass over open positions (scheduled; the jobId carries the slot). */
export const exitsRunSchema = z.object({
  slotKey: z.string().max(80).optional(),
  /** Absent = US (jobs queued before issue 15 carry no market). */
  market: z.enum(['US', 'KR']).optional(),
});

/** Daily mark-to-market of a session date (idempotent per date). */
export const markToMarketSchema = z.object({
  date: calendarDate,
  /** Absent = US (jobs queued before issue 15 carry no market). */
  market: z.enum(['US', 'KR']).optional(),
});

/** Broker vs our books; mismatches go to admins (and to `chatId` when someone asked). */
export const reconcileRunSchema = z.object({ chatId: z.number().int().optional(), reason: z.string().max(80).optional() });

/** The fill chart of a finished approval, sent right after its confirmation (rendering costs CPU the confirmation should not wait for). */
export const executionChartSchema = z.object({ approvalId: z.uuid(), pickId: z.string().min(1).max(40), chatId: z.number().int() });

/**
 * The open queue of one session (scheduled at open + 1 min and open + 30 min; the jobId carries
 * the session date): expires what is past its window, sends what is due. Safe to run any number of times.
 */
export const openQueueSchema = z.object({ sessionDate: calendarDate.optional(), slotKey: z.string().max(80).optional() });
