import type { SqlSession } from '../../adapters/db/port.js';
import type { ExecutionOutcome } from '../../trading/execution/execute.js';
import type { Notifier } from '../../trading/notifier.js';
import { loadFillContext } from '../../trading/portfolio/fill-context.js';
import { loadRecentOrders, RECENT_ORDERS } from '../../trading/portfolio/orders.js';
import { loadPnl } from '../../trading/portfolio/pnl.js';
import { loadOpenPositions } from '../../trading/portfolio/positions.js';
import type { PnlPeriod } from '../../trading/portfolio/types.js';

/** What the portfolio handlers need. */
export interface PortfolioDeps {
  db: SqlSession;
  /** Where the answers go (the bot renders them as text and charts). */
  publisher: Pick<Notifier, 'publish'>;
  /** The clock /pnl's period is computed from; default the real one. */
  now?: () => Date;
}

/** The command payload fields the handlers read (the registered schema has more). */
export interface PortfolioRequest {
  chatId: number;
}

/** The part of a BullMQ job run the handlers read: the job id, from which the reply's key is derived. */
export interface PortfolioRun {
  job: { id?: string | undefined };
}

/** Handlers of `command.positions`, `command.orders` and `command.pnl`, shaped like a HandlerMap's entries. */
export interface PortfolioHandlers {
  'command.positions': (p: PortfolioRequest, run: PortfolioRun) => Promise<unknown>;
  'command.orders': (p: PortfolioRequest, run: PortfolioRun) => Promise<unknown>;
  'command.pnl': (p: PortfolioRequest & { period?: PnlPeriod | undefined }, run: PortfolioRun) => Promise<unknown>;
}

/**
 * Each handler reads the portfolio and publishes ONE notice keyed
 * `<job id>-reply`, so a retried command job never answers twice and the
 * text and its chart arrive together.
 */
export function portfolioHandlers(deps: PortfolioDeps): PortfolioHandlers {
  const now = deps.now ?? (() => new Date());
  return {
    'command.positions': async (p, run) => {
      const snapshot = await loadOpenPositions(deps.db);
      await deps.publisher.publish(p.chatId, { kind: 'portfolio.positions', snapshot }, replyKey(run));
    },
    'command.orders': async (p, run) => {
      const orders = await loadRecentOrders(deps.db, RECENT_ORDERS);
      await deps.publisher.publish(p.chatId, { kind: 'portfolio.orders', orders }, replyKey(run));
    },
    'command.pnl': async (p, run) => {
      const report = await loadPnl(deps.db, p.period ?? 'day', now());
      await deps.publisher.publish(p.chatId, { kind: 'portfolio.pnl', report }, replyKey(run));
    },
  };
}

/**
 * Tells the chat how an execution ended, with the fill context (stop,
 * planned entry, candles, shares held) the confirmation shows. `key` should
 * be derived from the execution job, e.g. `exec-<approvalId>-done`.
 */
export async function notifyExecutionOutcome(deps: Pick<PortfolioDeps, 'db' | 'publisher'>, chatId: number, outcome: ExecutionOutcome, key: string): Promise<void> {
  const context = await loadFillContext(deps.db, outcome);
  await deps.publisher.publish(chatId, { kind: 'portfolio.execution-outcome', outcome, context }, { key });
}

function replyKey(run: PortfolioRun): { key?: string } {
  return run.job.id ? { key: `${run.job.id}-reply` } : {};
}
