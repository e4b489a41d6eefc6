import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The weekly review (issue 21 part 4): SCAFFOLD, filled in by the weekly-review work. */
export class WeeklyReviews1765300000013 implements MigrationInterface {
  name = 'WeeklyReviews1765300000013';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
