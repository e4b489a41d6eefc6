import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Drift alerts (issue 21 part 3): SCAFFOLD, filled in by the drift work. */
export class DriftAlerts1765300000012 implements MigrationInterface {
  name = 'DriftAlerts1765300000012';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
