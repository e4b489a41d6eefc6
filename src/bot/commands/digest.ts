import { z } from 'zod';
import { nyLocalParts } from '../../engine/calendar/index.js';
import { DIGEST_SEND_JOB, type DigestSendPayload } from '../../jobs/payloads/digest.js';
import { DIGEST_KINDS, type DigestKind } from '../../trading/digest/types.js';
import type { JobProducer } from '../../jobs/producer.js';
import { defineCommand } from './define.js';

/** Without an argument: the morning digest before noon New York time, the close digest after. */
export function defaultDigestKind(nowMs: number): DigestKind {
  return nyLocalParts(nowMs).hour < 12 ? 'morning' : 'close';
}

/** Enqueues `digest.send` (the producer validates the payload against the registry's schema). */
export async function enqueueDigest(jobs: Pick<JobProducer, 'add'>, payload: DigestSendPayload, jobId: string): Promise<string> {
  return jobs.add(DIGEST_SEND_JOB, payload, { jobId });
}

/** /digest [morning|close]: a worker builds the digest and sends it to this chat now. */
export const digestCommand = defineCommand({
  name: 'digest',
  summary: 'Send the morning or close digest now',
  usage: `/digest [${DIGEST_KINDS.join('|')}]`,
  role: 'viewer',
  args: z
    .object({ tokens: z.array(z.string()).max(1, 'takes at most one argument: morning or close'), text: z.string() })
    .transform((a) => a.tokens[0]?.toLowerCase())
    .pipe(z.enum(DIGEST_KINDS, { message: `the digest must be one of ${DIGEST_KINDS.join(', ')}` }).optional()),
  async run({ args, deps, chatId, userId, role, updateId }) {
    const kind = args ?? defaultDigestKind(deps.now());
    await enqueueDigest(deps.jobs, { kind, chatId, userId, role, updateId }, `tg-${updateId}`);
  },
});
