import type { EntitySchema } from 'typeorm';
import { QueuedOrderSchema } from './queued-order.entity.js';

/**
 * The TypeORM entities of the controls group (registered with the DataSource).
 * `confirmations` and `kill_switch` have none: their stores keep reviewed SQL
 * (see ./port.ts for why), so an entity would be unused.
 */
export const CONTROLS_ENTITIES: readonly EntitySchema[] = [QueuedOrderSchema];
