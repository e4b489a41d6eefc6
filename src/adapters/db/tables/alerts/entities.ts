import type { EntitySchema } from 'typeorm';
import { DecisionSchema } from './decision.entity.js';

/**
 * The TypeORM entities of alerts and the decision journal (registered with the DataSource).
 * `alerts` has none: every statement on it is a compare-and-set or an upsert with CASE
 * (reviewed SQL in src/trading/alerts/alerts.ts), or a read whose callers type their session
 * without tables (see that file).
 */
export const ALERTS_ENTITIES: readonly EntitySchema[] = [DecisionSchema];
