import type { Redis } from 'ioredis';
import { roleAllows } from '../../lib/roles.js';
import type { Market } from '../../engine/market/markets.js';
import { STRATEGY_IDS } from '../../engine/signal.js';
import type { Recipient } from '../../trading/settings/recipients.js';
import type { JobProducer } from '../producer.js';
import type { JobRun } from '../worker-runtime.js';

/** What a scheduled scan uses. */
export interface ScheduledScanDeps {
  /** Who gets scheduled scans: the digest recipients (their chats and roles). */
  recipients(): Promise<Recipient[]>;
  /** The ack message ids already posted by this job (a retry posts none twice). */
  redis: Pick<Redis, 'get' | 'set'>;
  /** Redis key prefix. */
  prefix: string;
  jobs: Pick<JobProducer, 'add'>;
  /**
   * Posts the message a scheduled scan announces itself with (and then edits
   * with its progress) in `chatId`; returns its message id. `slot` names the
   * schedule slot, e.g. `scan-0935-2026-03-02`, or `KR scan-0810-2026-11-26` for a KR slot.
   */
  postScheduledAck(chatId: number, slot: string, silent: boolean): Promise<number>;
}

/**
 * A scheduled scan: the same flow as /scan, once per trader or admin who
 * has not turned digests off, each in their own chat. The ack's message id is
 * kept in Redis per job and chat, so a retried job never posts a second ack
 * and the child scan's jobId is derived from this job's (date-keyed) id.
 */
export async function runScheduledScan(p: { slotKey: string; sessionDate: string; market?: Market }, run: JobRun, deps: ScheduledScanDeps): Promise<{ chats: number; unreachable: number[] }> {
  const who = (await deps.recipients()).filter((r) => roleAllows(r.role, 'trader'));
  const market = p.market ?? 'US';
  // A trader with both markets' schedules must tell a KR scan's ack from a US one; US acks read as before markets.
  const slot = p.slotKey.replace(/^sched-(?:us-|kr-)?/, '');
  const label = market === 'US' ? slot : `${market} ${slot}`;
  const failed: { chatId: number; error: string }[] = [];
  for (const r of who) {
    const key = `${deps.prefix}:scheduled-scan:${run.job.id}:${r.chatId}`;
    let ack = Number(await deps.redis.get(key));
    if (!ack) {
      try {
        ack = await deps.postScheduledAck(r.chatId, label, r.silent);
      } catch (err) {
        // One unreachable chat (the user never opened the bot, or blocked it) must not cost the others their scan.
        failed.push({ chatId: r.chatId, error: err instanceof Error ? err.message : String(err) });
        continue;
      }
      await deps.redis.set(key, String(ack), 'EX', 7 * 24 * 3600);
    }
    await deps.jobs.add(
      'scan.start',
      // US scans name no market (absent = US), so their jobs are the same as before markets.
      { updateId: 0, chatId: r.chatId, userId: r.userId, role: r.role, strategies: [...STRATEGY_IDS], ackMessageId: ack, ...(market === 'US' ? {} : { market }) },
      { jobId: `${run.job.id}-to-${r.chatId}` },
    );
  }
  if (failed.length > 0) run.log.warn({ failed }, 'scheduled scan: some chats could not be reached');
  if (failed.length > 0 && failed.length === who.length) {
    throw new Error(`no trader chat could be reached (${failed.map((f) => `${f.chatId}: ${f.error}`).join('; ')}); each trader must open the bot once (send /start)`);
  }
  return { chats: who.length - failed.length, unreachable: failed.map((f) => f.chatId) };
}
