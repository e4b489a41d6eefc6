import { EntitySchema } from 'typeorm';

/** A `hypothesis_transitions` row as the driver returns it (bigint as text, `session` an ISO date, jsonb unchecked). */
export interface HypothesisTransitionEntity {
  id: string;
  hypothesisId: string;
  fromState: string | null;
  toState: string;
  event: string;
  actor: string;
  figures: unknown;
  session: string;
  at: Date;
  auditSeq: string | null;
}

/** `hypothesis_transitions` (migrations/1765300000000-Hypotheses.ts). */
export const HypothesisTransitionSchema = new EntitySchema<HypothesisTransitionEntity>({
  name: 'HypothesisTransition',
  tableName: 'hypothesis_transitions',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    hypothesisId: { name: 'hypothesis_id', type: 'text' },
    fromState: { name: 'from_state', type: 'text', nullable: true },
    toState: { name: 'to_state', type: 'text' },
    event: { type: 'text' },
    actor: { type: 'text' },
    figures: { type: 'jsonb', default: () => `'{}'::jsonb` },
    session: { type: 'date' },
    at: { type: 'timestamptz', default: () => 'now()' },
    auditSeq: { name: 'audit_seq', type: 'bigint', nullable: true },
  },
});
