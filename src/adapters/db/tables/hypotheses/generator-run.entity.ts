import { EntitySchema } from 'typeorm';

/** A `hypothesis_generator_runs` row as the driver returns it (`session` an ISO date, jsonb unchecked). */
export interface HypothesisGeneratorRunEntity {
  market: string;
  session: string;
  proposed: number;
  /** Any JSON value (`NonNullable<unknown>`, so TypeORM's update accepts it) or SQL NULL. */
  waiting: NonNullable<unknown> | null;
  at: Date;
}

/** `hypothesis_generator_runs`, keyed by (market, session) (migrations/1765300000000-Hypotheses.ts). */
export const HypothesisGeneratorRunSchema = new EntitySchema<HypothesisGeneratorRunEntity>({
  name: 'HypothesisGeneratorRun',
  tableName: 'hypothesis_generator_runs',
  columns: {
    market: { type: 'text', primary: true },
    session: { type: 'date', primary: true },
    proposed: { type: 'integer' },
    waiting: { type: 'jsonb', nullable: true },
    at: { type: 'timestamptz', default: () => 'now()' },
  },
});
