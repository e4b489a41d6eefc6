import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { pgJsonObject } from '../../../../lib/sql-json.js';
import { parseRows } from '../../../../lib/sql-rows.js';
import { DecisionSchema } from './decision.entity.js';
import type { AlertsTables, DecisionRecord } from './port.js';

/** The jsonb the journal reads as an object (as the reviewed read checked it before, src/trading/journal/read.ts). */
const DecisionInputs = z.object({ inputs: pgJsonObject<Record<string, unknown>>() });

/** AlertsTables on a TypeORM EntityManager (the pool's, or a transaction's). */
export function alertsTables(m: EntityManager): AlertsTables {
  const decisions = m.getRepository(DecisionSchema);
  return {
    async runAuditSeq(runId) {
      const row = await decisions.findOne({ select: { auditSeq: true }, where: { runId } });
      return row?.auditSeq ?? null;
    },
    async decision(id) {
      const row = await decisions.findOneBy({ id });
      if (!row) return null;
      // A non-object `inputs` stops here with a RowShapeError, as the SQL read's row schema did.
      const { inputs } = parseRows(DecisionInputs, [row], 'decisions by id')[0]!;
      const out: DecisionRecord = {
        id: row.id,
        runId: row.runId,
        kind: row.kind,
        sessionDate: row.sessionDate,
        symbol: row.symbol,
        source: row.source,
        outcome: row.outcome,
        pickId: row.pickId,
        inputs,
        auditSeq: row.auditSeq,
        createdAt: row.createdAt,
      };
      return out;
    },
  };
}
