import { z } from 'zod';
import { calendarDate } from '../../lib/dates.js';
import { commandContextSchema } from './common.js';

/**
 * A confirmed `/close` (or Close button): sell `qty` shares of one position.
 * `requestId` is the spent confirmation token (or the queued order's id): it
 * fixes the order's client id, so every run of this job finds the same order.
 * The jobId is `close-<requestId>`: a double tap or a replayed update lands on
 * the same job. `epoch`: the kill epoch it was confirmed at (null: only "the
 * switch is off" is checked before the POST).
 */
export const executionCloseSchema = commandContextSchema.extend({
  symbol: z.string().min(1).max(16),
  strategy: z.string().min(1).max(40),
  qty: z.number().int().positive(),
  requestId: z.string().min(1).max(64),
  day: calendarDate,
  epoch: z.number().int().nonnegative().nullable(),
  underKill: z.boolean(),
});
export type ExecutionClosePayload = z.infer<typeof executionCloseSchema>;
