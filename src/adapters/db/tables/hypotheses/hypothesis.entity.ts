import { EntitySchema } from 'typeorm';

/**
 * A `hypotheses` row as the driver returns it: `date` columns come back as
 * ISO calendar dates (TypeORM formats the driver's local-midnight Date),
 * jsonb parsed but unchecked (the repository checks it, records.ts).
 */
export interface HypothesisEntity {
  id: string;
  hash: string;
  market: string;
  family: string;
  definition: unknown;
  canonical: string;
  state: string;
  version: number;
  proposedSession: string;
  createdAt: Date;
  stateSince: Date;
  stateSinceSession: string;
  evaluation: unknown;
  evaluatedAt: Date | null;
  dailySharpe: number | null;
  params: unknown;
  retiredReason: string | null;
  lastAskedSession: string | null;
  askAgainAfter: number | null;
}

/** `hypotheses` (migrations/1765300000000-Hypotheses.ts). */
export const HypothesisSchema = new EntitySchema<HypothesisEntity>({
  name: 'Hypothesis',
  tableName: 'hypotheses',
  columns: {
    id: { type: 'text', primary: true },
    hash: { type: 'text', unique: true },
    market: { type: 'text' },
    family: { type: 'text' },
    definition: { type: 'jsonb' },
    canonical: { type: 'text' },
    state: { type: 'text' },
    version: { type: 'integer', default: 1 },
    proposedSession: { name: 'proposed_session', type: 'date' },
    createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'now()' },
    stateSince: { name: 'state_since', type: 'timestamptz', default: () => 'now()' },
    stateSinceSession: { name: 'state_since_session', type: 'date' },
    evaluation: { type: 'jsonb', nullable: true },
    evaluatedAt: { name: 'evaluated_at', type: 'timestamptz', nullable: true },
    dailySharpe: { name: 'daily_sharpe', type: 'double precision', nullable: true },
    params: { type: 'jsonb', nullable: true },
    retiredReason: { name: 'retired_reason', type: 'text', nullable: true },
    lastAskedSession: { name: 'last_asked_session', type: 'date', nullable: true },
    askAgainAfter: { name: 'ask_again_after', type: 'integer', nullable: true },
  },
});
