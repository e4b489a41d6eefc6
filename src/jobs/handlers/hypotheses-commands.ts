import type { MarketId } from '../../engine/hypotheses/definition.js';
import type { SlotDef } from '../../engine/schedule/slots.js';
import type { Notifier } from '../../trading/notifier.js';
import { hypothesesOverview, hypothesisDetail, type HypothesisReads } from '../../trading/hypotheses/views.js';
import { defaultMarketEquity } from '../../trading/hypotheses/market-equity.js';

/** What the hypotheses' read commands need. */
export interface HypothesesCommandDeps {
  hypotheses: HypothesisReads;
  publisher: Pick<Notifier, 'publish'>;
  /** The clock the generator's next run is computed from; default the real one. */
  now?: () => Date;
  /** The slots the scheduler runs (none when it is off): the generator's next run is its `hypotheses` slot. */
  scheduledSlots: readonly SlotDef[];
  /**
   * Each market's equity in its own currency, shown with its block (KR: the won the KR books and
   * allocation use). Default: {@link defaultMarketEquity}, the session review's own default.
   */
  hypothesisEquity?: (market: MarketId) => Promise<number>;
}

/** The part of a BullMQ job run the handlers read: the job id the reply's key derives from. */
interface Run {
  job: { id?: string | undefined };
}

/** Handlers of `command.hypotheses` and `command.hypothesis`, shaped like a HandlerMap's entries. */
export interface HypothesesCommandHandlers {
  'command.hypotheses': (p: { chatId: number; market?: MarketId | undefined }, run: Run) => Promise<unknown>;
  'command.hypothesis': (p: { chatId: number; id: string }, run: Run) => Promise<unknown>;
}

/** Each reads the store and publishes ONE notice keyed `<job id>-reply` (a retried job answers once). */
export function hypothesesCommandHandlers(deps: HypothesesCommandDeps): HypothesesCommandHandlers {
  const now = deps.now ?? (() => new Date());
  const key = (run: Run) => (run.job.id ? { key: `${run.job.id}-reply` } : {});
  return {
    'command.hypotheses': async (p, run) => {
      const equity = deps.hypothesisEquity ?? (async (m: MarketId) => defaultMarketEquity(m));
      const overview = await hypothesesOverview(deps.hypotheses, p.market, { nowMs: now().getTime(), slots: deps.scheduledSlots, equity });
      await deps.publisher.publish(p.chatId, { kind: 'hypotheses.overview', overview }, key(run));
    },
    'command.hypothesis': async (p, run) => {
      const detail = await hypothesisDetail(deps.hypotheses, p.id);
      await deps.publisher.publish(p.chatId, { kind: 'hypotheses.detail', asked: p.id, detail }, key(run));
    },
  };
}
