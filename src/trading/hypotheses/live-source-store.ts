import type { SqlSession } from '../../adapters/db/port.js';
import type { MarketId } from '../../engine/hypotheses/definition.js';
import type { FamilyId } from '../../engine/patterns/types.js';
import { hypothesisSourceId } from '../../engine/signal.js';
import type { HypothesisBookStore } from './books.js';
import type { LiveHypothesis, LiveHypothesisSource } from './live-source.js';
import type { HypothesisStore } from './store.js';
import { z } from 'zod';
import { pgNumeric } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';

/** Open notional of one strategy's long positions: numeric, as text. */
const NotionalRow = z.object({ notional: pgNumeric });

/**
 * The LIVE hypotheses of a market as scans need them, from the store (fixed
 * params, exits), the latest shadow-book snapshot (closed R for half-Kelly;
 * none yet → an empty sample, which Kelly sizes as "no estimate") and the
 * real open positions booked under `hyp:<id>` (the 40 % cap). A LIVE row
 * without fixed params cannot trade and is left out.
 */
export function storedLiveHypotheses(deps: { store: Pick<HypothesisStore, 'list'>; books: Pick<HypothesisBookStore, 'latest'>; db: SqlSession }): LiveHypothesisSource {
  return {
    async live(market: MarketId): Promise<LiveHypothesis[]> {
      const rows = (await deps.store.list({ market, state: 'LIVE' })).filter((h) => h.params !== null);
      return Promise.all(
        rows.map(async (h) => {
          const [book, open] = await Promise.all([
            deps.books.latest(h.id),
            rowsOf(deps.db, NotionalRow, `SELECT COALESCE(SUM(qty * avg_cost), 0) AS notional FROM positions WHERE strategy = $1 AND qty > 0`, [
              hypothesisSourceId(h.id),
            ]),
          ]);
          return {
            id: h.id,
            family: h.family as FamilyId,
            params: h.params!,
            exits: h.definition.exits,
            closedR: book?.closedR ?? [],
            openNotional: Number(open[0]?.notional ?? 0),
          };
        }),
      );
    },
  };
}
