import { z } from 'zod';
import type { PickSource } from '../../../../engine/scan/pick-sources.js';
import { pgTextArray } from '../../../../lib/sql-columns.js';
import { parseRows } from '../../../../lib/sql-rows.js';
import type { PickEntity } from './pick.entity.js';
import type { PickRecord } from './port.js';

/**
 * A stored source (jsonb written from a PickSource by the scan's upsert): an object naming its
 * source. The same check as the upsert's RETURNING schema in src/trading/scan/picks-repo.ts.
 */
const StoredPickSource = z.custom<PickSource>((v) => typeof v === 'object' && v !== null && typeof (v as { source?: unknown }).source === 'string', {
  message: 'expected a stored pick source (an object with a source)',
});

/** The jsonb columns of a pick, checked as the hand-written reads checked them. */
const PickJsonColumns = z.object({
  reasons: pgTextArray,
  pickSources: z.array(StoredPickSource).nullable(),
});

/**
 * Picks as the use cases read them. A pick whose jsonb is not what the scan wrote stops with a
 * RowShapeError naming `read` (the read) and the column, as the hand-written SELECT did.
 */
export function pickRecords(read: string, rows: readonly PickEntity[]): PickRecord[] {
  const json = parseRows(PickJsonColumns, rows, read);
  return rows.map((e, i) => ({
    id: e.id,
    symbol: e.symbol,
    strategy: e.strategy,
    sessionDate: e.sessionDate,
    entry: e.entry,
    stop: e.stop,
    target: e.target,
    qty: e.qty,
    dollarRisk: e.dollarRisk,
    reasons: json[i]!.reasons,
    demo: e.demo,
    state: e.state,
    expiresAt: e.expiresAt,
    sources: json[i]!.pickSources ?? [],
  }));
}
