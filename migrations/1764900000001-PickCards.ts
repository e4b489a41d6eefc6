import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which chats were shown a pick's card (issue 13, item 5): a re-scan posts a
 * card only for a pick its chat has not seen, and a pick's deadline is
 * refreshed by a later scan only while no card anywhere shows it. (No foreign
 * key, so the Picks migration's down() still drops its tables on its own.)
 */
export class PickCards1764900000001 implements MigrationInterface {
  name = 'PickCards1764900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE pick_cards (
        pick_id   text NOT NULL,
        chat_id   bigint NOT NULL,
        posted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (pick_id, chat_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE pick_cards`);
  }
}
