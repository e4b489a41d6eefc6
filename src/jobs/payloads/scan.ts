import { z } from 'zod';
import { MARKET_IDS, type Market } from '../../engine/market/markets.js';
import { STRATEGY_IDS, type StrategyId } from '../../engine/signal.js';
import { calendarDate } from '../../lib/dates.js';
import type { ScanChunkOutcome } from '../../trading/scan/scan-run.js';
import { commandContextSchema } from './common.js';

const strategies = z.array(z.enum(STRATEGY_IDS as [StrategyId, ...StrategyId[]])).min(1);
/** The market a scan runs over; absent (jobs queued before markets, the US scheduled scans): US. */
const market = z.enum(MARKET_IDS as [Market, ...Market[]]).optional();

/** /scan as the bot enqueues it: who asked, where the ack message is, which strategies, which market. */
export const scanStartSchema = commandContextSchema.extend({ strategies, ackMessageId: z.number().int().positive(), market });
export type ScanStart = z.infer<typeof scanStartSchema>;

/** One slice of the universe, evaluated by whichever worker takes it. */
export const scanChunkSchema = z.object({
  runId: z.string().min(1),
  symbols: z.array(z.string().min(1)).min(1),
  strategies,
  asOf: calendarDate,
  total: z.number().int().positive(),
  chatId: z.number().int(),
  ackMessageId: z.number().int().positive(),
  market,
});
export type ScanChunk = z.infer<typeof scanChunkSchema>;

/** The flow's parent: runs once every chunk is done, ranks and posts the picks. */
export const scanFinishSchema = scanStartSchema.extend({ runId: z.string().min(1), asOf: calendarDate, total: z.number().int().nonnegative(), demo: z.boolean() });
export type ScanFinish = z.infer<typeof scanFinishSchema>;

/** What a chunk job returns (its BullMQ return value, read by the flow's parent). */
export type ScanChunkResult = ScanChunkOutcome;

/**
 * A scan the scheduler started: one per trading chat, keyed by the slot (`sched-us-scan-0935-<date>`).
 * `market`: the slot table's market (a KR slot scans KR); absent = US, as before markets.
 */
export const scanScheduledSchema = z.object({ slotKey: z.string().min(1).max(80), sessionDate: calendarDate, market });
