import type { EntitySchema } from 'typeorm';
import { PickSchema } from './pick.entity.js';
import { ScanRunSchema } from './scan-run.entity.js';

/**
 * The TypeORM entities of picks and their expiry (registered with the DataSource).
 * `pick_cards` has none: its one statement (claiming cards) joins picks and scan runs and stays reviewed SQL.
 */
export const PICKS_ENTITIES: readonly EntitySchema[] = [ScanRunSchema, PickSchema];
