import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The manual close (`/close SYMBOL [qty]`, the Close button on /positions;
 * issue 13, item 1) is an exit order of its own reason, `close`, next to the
 * two rule exits and `/kill flatten`: /orders, digests and the audit chain
 * say which it was.
 */
export class CloseExitReason1765100000000 implements MigrationInterface {
  name = 'CloseExitReason1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_exit_reason_check`);
    await q.query(`ALTER TABLE orders ADD CONSTRAINT orders_exit_reason_check CHECK (exit_reason IN ('stop', 'time_stop', 'flatten', 'close'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // A database with manual closes cannot go back: those rows would break the older constraint.
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_exit_reason_check`);
    await q.query(`ALTER TABLE orders ADD CONSTRAINT orders_exit_reason_check CHECK (exit_reason IN ('stop', 'time_stop', 'flatten'))`);
  }
}
