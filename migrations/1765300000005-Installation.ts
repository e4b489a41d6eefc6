import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * This database's installation id (issue 19, item 5): 8 random lowercase hex
 * characters, made once when the database is migrated.
 *
 * Exit, flatten and close client order ids carry it next to the order row's
 * own random id, so two installations trading one Alpaca account never send
 * the same id, and support can tell from an id which installation sent it.
 * A database restored from a backup keeps its installation id; what keeps its
 * new orders apart from the broker's old ones is the row id (a restored
 * database lacks the rows written after the backup).
 */
export class Installation1765300000005 implements MigrationInterface {
  name = 'Installation1765300000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE installation (id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{8}$'), created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`INSERT INTO installation (id, created_at) VALUES (substr(replace(gen_random_uuid()::text, '-', ''), 1, 8), now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE installation`);
  }
}
