import { EntitySchema } from 'typeorm';
import type { PickSource } from '../../../../engine/scan/pick-sources.js';

/**
 * A `picks` row as the driver returns it (bigint as a string, `date` as
 * YYYY-MM-DD, float8 and integer as numbers). The jsonb columns are typed as
 * what the scan wrote; the repository checks them before handing a pick out.
 */
export interface PickEntity {
  id: string;
  scanRunId: string;
  sessionDate: string;
  symbol: string;
  strategy: string;
  entry: number;
  stop: number;
  target: number | null;
  atr: number;
  score: number;
  qty: number;
  dollarRisk: number;
  reasons: string[];
  demo: boolean;
  state: string;
  chatId: string | null;
  messageId: number | null;
  createdAt: Date;
  expiresAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  pickSources: PickSource[];
}

/** `picks` (migrations/1764200000000-Picks.ts, pick_sources from 1765300000002-PickSources.ts). */
export const PickSchema = new EntitySchema<PickEntity>({
  name: 'Pick',
  tableName: 'picks',
  columns: {
    id: { type: 'text', primary: true },
    scanRunId: { name: 'scan_run_id', type: 'text' },
    sessionDate: { name: 'session_date', type: 'date' },
    symbol: { type: 'text' },
    strategy: { type: 'text' },
    entry: { type: 'double precision' },
    stop: { type: 'double precision' },
    target: { type: 'double precision', nullable: true },
    atr: { type: 'double precision' },
    score: { type: 'double precision' },
    qty: { type: 'integer' },
    dollarRisk: { name: 'dollar_risk', type: 'double precision' },
    reasons: { type: 'jsonb' },
    demo: { type: 'boolean' },
    state: { type: 'text', default: 'PENDING' },
    chatId: { name: 'chat_id', type: 'bigint', nullable: true },
    messageId: { name: 'message_id', type: 'integer', nullable: true },
    createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'now()' },
    expiresAt: { name: 'expires_at', type: 'timestamptz' },
    decidedBy: { name: 'decided_by', type: 'bigint', nullable: true },
    decidedAt: { name: 'decided_at', type: 'timestamptz', nullable: true },
    pickSources: { name: 'pick_sources', type: 'jsonb', default: () => `'[]'::jsonb` },
  },
});
