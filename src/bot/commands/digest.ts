import { z } from 'zod';
import { nyLocalParts } from '../../engine/calendar/index.js';
import { XKRX_CALENDAR } from '../../engine/calendar/exchange.js';
import type { Market } from '../../engine/market/markets.js';
import { DIGEST_SEND_JOB, type DigestSendPayload } from '../../jobs/payloads/digest.js';
import { DIGEST_KINDS, type DigestKind } from '../../trading/digest/types.js';
import type { JobProducer } from '../../jobs/producer.js';
import { defineCommand } from './define.js';

/** Without a kind: the morning digest before noon on the market's clock (New York for US, Seoul for KR), the close digest after. */
export function defaultDigestKind(nowMs: number, market: Market = 'US'): DigestKind {
  const hour = market === 'KR' ? Number(XKRX_CALENDAR.formatIso(nowMs).slice(11, 13)) : nyLocalParts(nowMs).hour;
  return hour < 12 ? 'morning' : 'close';
}

/** Enqueues `digest.send` (the producer validates the payload against the registry's schema). */
export async function enqueueDigest(jobs: Pick<JobProducer, 'add'>, payload: DigestSendPayload, jobId: string): Promise<string> {
  return jobs.add(DIGEST_SEND_JOB, payload, { jobId });
}

/** `/digest kr [kind]` / `/digest us [kind]`: a market named, the kind optional. */
export interface DigestAsk {
  market: Market;
  kind: DigestKind | undefined;
}

const MARKET_WORDS: Readonly<Record<string, Market>> = { us: 'US', kr: 'KR' };
const KIND_MESSAGE = `the digest must be one of ${DIGEST_KINDS.join(', ')}, optionally after a market (us, kr), e.g. /digest kr close`;

/**
 * Arguments: a kind (`morning`, `close`) as before — the US digest — or a
 * market first (`kr`, `us`) and then an optional kind. Nothing: the US digest
 * of the time of day.
 */
const digestArgs = z
  .object({ tokens: z.array(z.string()).max(2, 'takes at most a market and a kind, e.g. /digest kr morning'), text: z.string() })
  .transform((a, ctx): DigestKind | DigestAsk | undefined => {
    const t = a.tokens.map((x) => x.toLowerCase());
    const market = t[0] !== undefined ? MARKET_WORDS[t[0]] : undefined;
    const kindWord = market ? t[1] : t[0];
    if ((!market && t.length > 1) || (kindWord !== undefined && !(DIGEST_KINDS as readonly string[]).includes(kindWord))) {
      ctx.addIssue({ code: 'custom', message: KIND_MESSAGE });
      return z.NEVER;
    }
    const kind = kindWord as DigestKind | undefined;
    return market ? { market, kind } : kind;
  });

/** /digest [us|kr] [morning|close]: a worker builds the digest and sends it to this chat now, whatever the settings or quiet hours. */
export const digestCommand = defineCommand({
  name: 'digest',
  summary: 'Send the morning or close digest now (US, or /digest kr for the KR book in won)',
  // The US form first, as it always read; a market word goes before the kind.
  usage: `/digest [${DIGEST_KINDS.join('|')}] (or /digest kr [${DIGEST_KINDS.join('|')}])`,
  role: 'viewer',
  args: digestArgs,
  async run({ args, deps, chatId, userId, role, updateId }) {
    const ask: DigestAsk = typeof args === 'object' ? args : { market: 'US', kind: args };
    const kind = ask.kind ?? defaultDigestKind(deps.now(), ask.market);
    // US payloads keep their shape (no market); a KR one names its market.
    await enqueueDigest(deps.jobs, { kind, ...(ask.market === 'US' ? {} : { market: ask.market }), chatId, userId, role, updateId }, `tg-${updateId}`);
  },
});
