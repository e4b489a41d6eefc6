import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Correlation on pick cards (issue 21 part 1): SCAFFOLD, filled in by the correlation work; removed if unused. */
export class PickCorrelation1765300000015 implements MigrationInterface {
  name = 'PickCorrelation1765300000015';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
