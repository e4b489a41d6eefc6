import type { Job } from 'bullmq';
import { occurrenceOn } from '../../engine/schedule/plan.js';
import type { SlotDef } from '../../engine/schedule/slots.js';
import type { Notifier } from '../../trading/notifier.js';
import type { PicksRepo } from '../../trading/scan/picks-repo.js';
import { collectStatus, type StatusSources } from '../../trading/status/status.js';
import { commandContextSchema } from '../payloads/common.js';
import { InvalidRequestError, type HandlerMap } from '../worker-runtime.js';
import { digestHandlers, type DigestApp } from './digest.js';
import { portfolioHandlers, type PortfolioDeps } from './portfolio.js';
import { hypothesesCommandHandlers, type HypothesesCommandDeps } from './hypotheses-commands.js';
import type { HypothesisReads } from '../../trading/hypotheses/views.js';
import type { RiskSettings } from '../../trading/risk/settings.js';
import { riskHandlers } from './risk.js';
import { reviewHandlers } from './review.js';

/** What the `commands` queue's handlers call: the portfolio and digest reads, /status's sources, the picks, and the publisher. */
export interface CommandsDeps extends PortfolioDeps, DigestApp {
  status: StatusSources;
  picks: Pick<PicksRepo, 'list'>;
  /** The slots the scheduler runs (none when it is off): the morning digest lists the times of its scans. */
  scheduledSlots: readonly SlotDef[];
  /** /hypotheses and /hypothesis read the hypotheses from here. */
  hypotheses: HypothesisReads;
  /** The portfolio-risk settings (/risk, the weekly review). */
  risk: RiskSettings;
  /** Each market's equity in its currency for /hypotheses (the same source as the session review's books); absent: the defaults. */
  hypothesisEquity?: HypothesesCommandDeps['hypothesisEquity'];
}

/** Handlers of the `commands` queue: each answers through the publisher with a key derived from its own job id. */
export function commandHandlers(deps: CommandsDeps): HandlerMap<'commands'> {
  return {
    ...portfolioHandlers(deps),
    ...hypothesesCommandHandlers(deps),
    ...riskHandlers(deps),
    ...reviewHandlers(deps),
    ...digestHandlers(deps, {
      // A scheduled KR digest on a KR book with nothing to report that Seoul day is not sent (US-only setups get no
      // nightly KR digests); /digest kr still answers.
      skipEmptyBooks: ['KR'],
      scheduledScans: (date) =>
        deps.scheduledSlots
          .filter((s) => s.kind === 'scan')
          .map((s) => occurrenceOn(s, date))
          .filter((o) => o !== null)
          .map((o) => ({ at: new Date(o.dueAt), what: 'all' })),
    }),
    'command.status': async (p, run) => {
      const status = await collectStatus(deps.status);
      await deps.publisher.publish(p.chatId, { kind: 'command.status', status }, { key: `${run.job.id}-reply` });
    },
    'command.picks': async (p, run) => {
      const { date, picks } = await deps.picks.list(p.date);
      await deps.publisher.publish(p.chatId, { kind: 'command.picks', date, picks, ...(p.date !== undefined ? { asked: p.date } : {}) }, { key: `${run.job.id}-reply` });
    },
  };
}

/** What telling a user about a failed job needs. */
export interface FailureReplyDeps {
  publisher: Pick<Notifier, 'publish'>;
  /** Scrubs secrets from an error message before a user sees it. */
  scrub: (text: string) => string;
}

/**
 * When a command job fails for good, the user is told what happened and what
 * to do: try again later, or, when the request itself can never work
 * ({@link InvalidRequestError}), fix how it is written.
 */
export async function tellUserCommandFailed(deps: FailureReplyDeps, job: Job, err: Error): Promise<void> {
  const ctx = commandContextSchema.safeParse(job.data);
  if (!ctx.success) return;
  const error = deps.scrub(err.message).slice(0, 300);
  const invalid = err instanceof InvalidRequestError;
  await deps.publisher.publish(ctx.data.chatId, { kind: 'command.failed', command: job.name, attempts: job.attemptsMade, error, ...(invalid ? { invalid } : {}) }, { key: `${job.id}-failed` });
}

/** A scan that failed for good: edit its ack message, or say so in the chat. */
export async function tellUserScanFailed(deps: FailureReplyDeps, job: Job, err: Error): Promise<void> {
  const data = job.data as { chatId?: number; ackMessageId?: number; runId?: string };
  if (typeof data.chatId !== 'number') return;
  // An unrecoverable error and "no market data" are ours and say what to do; anything else may carry secrets.
  const error = err.name === 'UnrecoverableError' || /No market data/.test(err.message) ? err.message : deps.scrub(err.message).slice(0, 300);
  await deps.publisher.publish(data.chatId, { kind: 'command.scan-failed', error, ...(typeof data.ackMessageId === 'number' ? { ackMessageId: data.ackMessageId } : {}) }, { key: `${job.id}-failed` });
}
