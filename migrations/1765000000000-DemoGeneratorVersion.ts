import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `bar_seeds.generator_version`: which version of the synthetic DEMO
 * generator wrote the stored DEMO dataset (see
 * src/adapters/market-data/synthetic/generator-version.ts). NULL on rows
 * seeded before versions were recorded: those were written by generator 1
 * (bars on every weekday, exchange holidays included). A seed whose code
 * carries a newer version regenerates the DEMO bars once and says so.
 */
export class DemoGeneratorVersion1765000000000 implements MigrationInterface {
  name = 'DemoGeneratorVersion1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE bar_seeds ADD COLUMN generator_version integer`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE bar_seeds DROP COLUMN generator_version`);
  }
}
