import { z } from 'zod';
import { calendarDate } from '../../lib/dates.js';
import { ROLES } from '../../lib/roles.js';
import { MARKET_IDS, type Market } from '../../engine/market/markets.js';
import { DIGEST_KINDS, type DigestKind } from '../../trading/digest/types.js';

/**
 * Payload of the `digest.send` job.
 * - From /digest: `chatId` + `userId` (+ `role`, `updateId`): one digest to that chat, never silent.
 * - From the scheduler: neither: one digest per recipient (see recipientsFor), silent for those who chose it.
 * `market`: whose book (absent = US, as every job before markets); a KR digest is the KR book in won on KRX days.
 * `sessionDate` (`YYYY-MM-DD` in the market's zone: New York for US, Seoul for KR) defaults to the date when the job runs.
 */
export const digestSendSchema = z
  .object({
    kind: z.enum(DIGEST_KINDS),
    market: z.enum(MARKET_IDS as [Market, ...Market[]]).optional(),
    chatId: z.number().int().optional(),
    userId: z.number().int().positive().optional(),
    /** Present on /digest jobs so a failed job can tell the user (commandContextSchema shape). */
    role: z.enum(ROLES).optional(),
    updateId: z.number().int().nonnegative().optional(),
    sessionDate: calendarDate.optional(),
  })
  .refine((p) => (p.chatId === undefined) === (p.userId === undefined), {
    message: 'chatId and userId go together: both for a reply to one chat, neither for a scheduled broadcast',
  });
export type DigestSendPayload = z.infer<typeof digestSendSchema>;

/** The job name the registry must list (queue `commands`). */
export const DIGEST_SEND_JOB = 'digest.send' as const;

/** jobId of a scheduled digest: one per kind and session, so a re-enqueue within a day is a no-op. */
export function scheduledDigestJobId(kind: DigestKind, sessionDate: string): string {
  return `digest-${kind}-${sessionDate}`;
}

/**
 * jobId of one recipient's notify job for a scheduled digest: a retried digest job never posts twice.
 * US keeps the id it had before markets; another market's names it (`digest-kr-morning-<date>-u<user>`),
 * so the US and KR digests of one date never share a key.
 */
export function digestDeliveryJobId(kind: DigestKind, sessionDate: string, userId: number, market: Market = 'US'): string {
  return market === 'US' ? `digest-${kind}-${sessionDate}-u${userId}` : `digest-${market.toLowerCase()}-${kind}-${sessionDate}-u${userId}`;
}
