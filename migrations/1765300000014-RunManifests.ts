import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Reproducible results (issue 21 part 6): SCAFFOLD, filled in by the manifests work. */
export class RunManifests1765300000014 implements MigrationInterface {
  name = 'RunManifests1765300000014';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
