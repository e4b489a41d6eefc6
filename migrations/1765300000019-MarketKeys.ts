import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-session tables become per market, as the Markets migration (017) deferred: `daily_budget`
 * (the amount committed per session) and `equity_marks` (the book's equity per session) are keyed
 * (market, date) instead of (date). A KRX session and an NYSE session often share a calendar date
 * (Seoul is a day ahead of New York), and each market has its own budget in its own currency and its
 * own book, so one row per date would add won to dollars or overwrite one market's mark with the other's.
 *
 * Their writers now name the market (src/trading/execution/execute.ts reserves `ON CONFLICT (market,
 * date)`; src/trading/execution/mark-to-market.ts marks `ON CONFLICT (market, date)`), so the
 * writers name the market. The `DEFAULT 'US'` / `DEFAULT 'USD'` of 017 stay for now, like every other
 * table's: a KR row can still never be filed as US (only the writers that name KR write KR rows), and
 * the defaults go for all tables at once in a later migration, when every writer and fixture names it.
 *
 * Existing rows were all written by US code and are US already (017 filed them so); up() changes no row.
 * down() refuses while a KR row exists in either table (the older key, one row per date, cannot hold a
 * KR and a US row of the same date, and would let a KR row pass for US); otherwise it restores the
 * (date) keys exactly.
 */
export class MarketKeys1765300000019 implements MigrationInterface {
  name = 'MarketKeys1765300000019';

  async up(q: QueryRunner): Promise<void> {
    for (const t of TABLES) {
      await q.query(
        `ALTER TABLE ${t} DROP CONSTRAINT ${t}_pkey, ADD CONSTRAINT ${t}_pkey PRIMARY KEY (market, date)`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of TABLES) {
      const [kr] = (await q.query(`SELECT count(*)::int AS n FROM ${t} WHERE market <> 'US'`)) as { n: number }[];
      if (kr && kr.n > 0) {
        throw new Error(`MarketKeys migration cannot be reverted: ${t} holds ${kr.n} non-US row(s), which the older one-row-per-date key would mix with US rows. Delete them first, or keep this migration.`);
      }
    }
    for (const t of [...TABLES].reverse()) {
      await q.query(
        `ALTER TABLE ${t} DROP CONSTRAINT ${t}_pkey, ADD CONSTRAINT ${t}_pkey PRIMARY KEY (date)`,
      );
    }
  }
}

/** The per-session tables whose key gains the market (see the header). */
const TABLES: readonly string[] = Object.freeze(['daily_budget', 'equity_marks']);
