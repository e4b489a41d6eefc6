import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Data gaps against the calendar (issue 21 part 5): SCAFFOLD, filled in by the data-gaps work; removed if unused. */
export class DataGaps1765300000016 implements MigrationInterface {
  name = 'DataGaps1765300000016';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
