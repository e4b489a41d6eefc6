import type { EntityManager } from 'typeorm';
import { PickSchema } from './pick.entity.js';
import { pickRecords } from './pick-json.js';
import type { PicksTables } from './port.js';
import { ScanRunSchema } from './scan-run.entity.js';

/** PicksTables on a TypeORM EntityManager (the pool's, or a transaction's). */
export function picksTables(m: EntityManager): PicksTables {
  const runs = m.getRepository(ScanRunSchema);
  const picks = m.getRepository(PickSchema);
  return {
    async insertRun(run) {
      // ON CONFLICT DO NOTHING: the primary key is scan_runs' only unique constraint, so only a stored id is ignored.
      // updateEntity(false): no RETURNING of the defaulted columns, nobody reads them.
      await m
        .createQueryBuilder()
        .insert()
        .into(ScanRunSchema)
        .values({
          id: run.id,
          // bigint columns: sent as text so no id is rounded on the way.
          requestedBy: String(run.requestedBy),
          chatId: String(run.chatId),
          asOf: run.asOf,
          strategies: run.strategies,
          status: 'running',
          symbols: run.symbols,
          demo: run.demo,
        })
        .orIgnore()
        .updateEntity(false)
        .execute();
    },

    async finishRun(id, r) {
      // The summary is stored as its JSON (the driver stringifies jsonb); an absent one is SQL NULL, as before.
      // (A null one would now be SQL NULL rather than JSON null: the scan's finish always writes an object.)
      const summary = r.summary ?? null;
      const res = await runs.update({ id }, { status: 'done', evaluated: r.evaluated, signals: r.signals, summary, finishedAt: () => 'now()' });
      return res.affected ?? 0;
    },

    async setCardMessage(id, chatId, messageId) {
      const res = await picks.update({ id }, { chatId: String(chatId), messageId });
      return res.affected ?? 0;
    },

    async pick(id) {
      const row = await picks.findOneBy({ id });
      return row ? pickRecords('SELECT … FROM picks WHERE id = $1', [row])[0]! : null;
    },

    async latestSession() {
      // max(session_date) as an ordered read: session_date is NOT NULL, and picks_session_idx serves it.
      const [latest] = await picks.find({ select: { sessionDate: true }, order: { sessionDate: 'DESC' }, take: 1 });
      return latest?.sessionDate ?? null;
    },

    async sessionPicks(sessionDate) {
      const rows = await picks.find({ where: { sessionDate }, order: { score: 'DESC', symbol: 'ASC' } });
      return pickRecords('SELECT … FROM picks WHERE session_date = $1 ORDER BY score DESC, symbol', rows);
    },
  };
}
