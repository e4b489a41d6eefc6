import { IsNull, Not, Raw, type EntityManager } from 'typeorm';
import { parseRows } from '../../../../lib/sql-rows.js';
import { HypothesisBookSchema } from './book.entity.js';
import { HypothesisGeneratorRunSchema } from './generator-run.entity.js';
import { HypothesisSchema } from './hypothesis.entity.js';
import type { HypothesesTables } from './port.js';
import { BookRecordSchema, GeneratorRunRecordSchema, HypothesisRecordSchema, ReturnedRowsSchema, TransitionRecordSchema } from './records.js';
import { HypothesisTransitionSchema } from './transition.entity.js';

/** A hypothesis id as the user typed it, compared the way the SQL did (`= lower($1)`), so any case finds it. */
function lowerId(id: string) {
  return Raw((column) => `${column} = lower(:lowerId)`, { lowerId: id });
}

/** HypothesesTables on a TypeORM EntityManager (the pool's, or a transaction's). */
export function hypothesesTables(m: EntityManager): HypothesesTables {
  const hypotheses = () => m.getRepository(HypothesisSchema);
  const transitions = () => m.getRepository(HypothesisTransitionSchema);
  const runs = () => m.getRepository(HypothesisGeneratorRunSchema);
  const books = () => m.getRepository(HypothesisBookSchema);
  return {
    async hypothesis(id) {
      const rows = await hypotheses().findBy({ id: lowerId(id) });
      return parseRows(HypothesisRecordSchema, rows, 'hypotheses by id')[0] ?? null;
    },

    async hypotheses(filter) {
      const rows = await hypotheses().find({
        where: { ...(filter.market === undefined ? {} : { market: filter.market }), ...(filter.state === undefined ? {} : { state: filter.state }) },
        order: { stateSince: 'DESC', id: 'ASC' },
      });
      return parseRows(HypothesisRecordSchema, rows, 'hypotheses by market and state');
    },

    async canonicalsOf(market) {
      const rows = await hypotheses().find({ select: { id: true, family: true, canonical: true }, where: { market }, order: { id: 'ASC' } });
      return rows.map((r) => ({ family: r.family, canonical: r.canonical }));
    },

    async dailySharpesOf(market) {
      const rows = await hypotheses().find({ select: { id: true, dailySharpe: true }, where: { market, dailySharpe: Not(IsNull()) }, order: { id: 'ASC' } });
      return rows.flatMap((r) => (r.dailySharpe === null ? [] : [r.dailySharpe]));
    },

    async hashOfId(id) {
      const row = await hypotheses().findOne({ select: { id: true, hash: true }, where: { id } });
      return row?.hash ?? null;
    },

    async transitionsOf(hypothesisId) {
      const rows = await transitions().find({ where: { hypothesisId: lowerId(hypothesisId) }, order: { id: 'ASC' } });
      return parseRows(TransitionRecordSchema, rows, 'hypothesis_transitions by hypothesis');
    },

    async setTransitionAuditSeq(transitionId, seq) {
      const res = await transitions().update({ id: String(transitionId) }, { auditSeq: String(seq) });
      return res.affected ?? 0;
    },

    async claimGeneratorRun(market, session) {
      // ON CONFLICT DO NOTHING: RETURNING gives a row only when this call inserted it.
      const res = await m
        .createQueryBuilder()
        .insert()
        .into(HypothesisGeneratorRunSchema)
        .values({ market, session, proposed: 0 })
        .orIgnore()
        .returning(['market'])
        .updateEntity(false)
        .execute();
      return ReturnedRowsSchema.parse(res.raw).length === 1;
    },

    async finishGeneratorRun(market, session, proposed, waiting) {
      // undefined is stored as SQL NULL, as the parameterised statement did (TypeORM would skip the column).
      const res = await runs().update({ market, session }, { proposed, waiting: waiting ?? null, at: () => 'now()' });
      return res.affected ?? 0;
    },

    async lastGeneratorRun(market) {
      const row = await runs().findOne({ where: { market }, order: { session: 'DESC' } });
      return row ? parseRows(GeneratorRunRecordSchema, [row], 'hypothesis_generator_runs latest')[0]! : null;
    },

    async book(hypothesisId, session) {
      const rows = await books().findBy({ hypothesisId: lowerId(hypothesisId), session });
      return parseRows(BookRecordSchema, rows, 'hypothesis_books by hypothesis and session')[0] ?? null;
    },

    async latestBook(hypothesisId) {
      const row = await books().findOne({ where: { hypothesisId: lowerId(hypothesisId) }, order: { session: 'DESC' } });
      return row ? parseRows(BookRecordSchema, [row], 'hypothesis_books latest')[0]! : null;
    },

    async bookHistory(hypothesisId) {
      const rows = await books().find({ where: { hypothesisId: lowerId(hypothesisId) }, order: { session: 'ASC' } });
      return parseRows(BookRecordSchema, rows, 'hypothesis_books by hypothesis');
    },
  };
}
