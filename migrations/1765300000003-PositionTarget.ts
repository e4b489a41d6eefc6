import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A position's profit target: a LIVE hypothesis whose exits carry a target
 * (e.g. `targetAtr` ATRs above the signal close) takes profit there, as its
 * shadow book and backtest do. The target comes from the hypothesis pick at
 * booking; Kobe picks and every existing position have none (NULL) and exit
 * as before. The exit job sells at it with the reason `target`.
 */
export class PositionTarget1765300000003 implements MigrationInterface {
  name = 'PositionTarget1765300000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE positions ADD COLUMN target numeric`);
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_exit_reason_check`);
    await q.query(`ALTER TABLE orders ADD CONSTRAINT orders_exit_reason_check CHECK (exit_reason IN ('stop', 'time_stop', 'target', 'flatten', 'close'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // A database with target exits cannot go back: those rows would break the older constraint.
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_exit_reason_check`);
    await q.query(`ALTER TABLE orders ADD CONSTRAINT orders_exit_reason_check CHECK (exit_reason IN ('stop', 'time_stop', 'flatten', 'close'))`);
    await q.query(`ALTER TABLE positions DROP COLUMN target`);
  }
}
