import { driftStatus } from '../../trading/risk/drift-status.js';
import { buildWeeklyReview, type DriftPort } from '../../trading/review/build.js';
import { broadcastPlan, type Recipient } from '../../trading/settings/recipients.js';
import { reviewDeliveryKey } from '../payloads/review.js';
import type { JobHandler } from '../worker-runtime.js';
import type { CommandsDeps } from './commands.js';

/** Test seams of the weekly review's handler. */
export interface ReviewHandlerOptions {
  /** Where the drift tests are read; default src/trading/risk/drift-status.ts with the risk settings. */
  drift?: DriftPort;
}

/** What one review job did. */
export interface ReviewWeeklyResult {
  market: string;
  sessionDate: string;
  /** Chats the review was published to (0 for a week without sessions, or when everyone turned it off). */
  sent: number;
}

/**
 * Handler of the weekly review (`review.weekly`, on the commands queue): builds the market's
 * week once and publishes the same notice to every chat whose "weekly review" setting is not off,
 * each keyed `review-weekly-<market>-<date>-u<user>`, so a retried job never posts twice. With a
 * chat in the payload it answers that chat alone (keyed `<job id>-reply`).
 */
export function reviewHandlers(deps: CommandsDeps, opts: ReviewHandlerOptions = {}): { 'review.weekly': JobHandler<'review.weekly'> } {
  const now = deps.now ?? (() => new Date());
  const drift: DriftPort = opts.drift ?? ((asOf) => driftStatus({ db: deps.db, settings: deps.risk }, asOf));
  return {
    'review.weekly': async (p, run): Promise<ReviewWeeklyResult> => {
      const log = run.log ?? deps.log;
      const review = await buildWeeklyReview({ db: deps.db, drift, log: run.log }, { market: p.market, sessionDate: p.sessionDate, now: now() });
      if (review === null) {
        log.info({ market: p.market, sessionDate: p.sessionDate }, 'weekly review: that week has no session; nothing to send');
        return { market: p.market, sessionDate: p.sessionDate, sent: 0 };
      }
      let targets: (Recipient & { key: string })[];
      if (p.chatId !== undefined && p.userId !== undefined) {
        targets = [{ chatId: p.chatId, userId: p.userId, role: 'viewer', silent: false, key: `${run.job.id ?? reviewDeliveryKey(p.market, review.sessionDate, p.userId)}-reply` }];
      } else {
        const plan = await broadcastPlan('review', deps.db, deps.config.telegram.allowed, { at: now() });
        targets = plan.recipients.map((r) => ({ ...r, key: reviewDeliveryKey(p.market, review.sessionDate, r.userId) }));
        // Name who quiet hours held back, so an empty send is not mistaken for everyone turning it off.
        if (plan.quiet.length > 0) log.info({ market: p.market, sessionDate: review.sessionDate, users: plan.quiet }, 'weekly review held back by quiet hours');
        if (targets.length === 0) {
          log.info(
            { market: p.market, sessionDate: review.sessionDate },
            plan.quiet.length > 0 ? 'nobody receives the weekly review (off, or inside quiet hours)' : 'nobody receives the weekly review (all turned it off)',
          );
        }
      }
      const notice = { kind: 'review.weekly' as const, review };
      for (const t of targets) await deps.publisher.publish(t.chatId, notice, { key: t.key, ...(t.silent ? { silent: true } : {}) });
      return { market: p.market, sessionDate: review.sessionDate, sent: targets.length };
    },
  };
}
