import type { EntityManager, EntitySchema } from 'typeorm';
import type { Tables } from './port.js';
import { MANIFESTS_ENTITIES } from './manifests/entities.js';
import { manifestsTables } from './manifests/typeorm.js';
import { SETTINGS_ENTITIES } from './settings/entities.js';
import { settingsTables } from './settings/typeorm.js';
import { BACKTESTS_ENTITIES } from './backtests/entities.js';
import { backtestsTables } from './backtests/typeorm.js';
import { HYPOTHESES_ENTITIES } from './hypotheses/entities.js';
import { hypothesesTables } from './hypotheses/typeorm.js';
import { PICKS_ENTITIES } from './picks/entities.js';
import { picksTables } from './picks/typeorm.js';
import { ALERTS_ENTITIES } from './alerts/entities.js';
import { alertsTables } from './alerts/typeorm.js';
import { CONTROLS_ENTITIES } from './controls/entities.js';
import { controlsTables } from './controls/typeorm.js';

/** Every entity the DataSource registers: each one is used by a group's repository (no unused entities). */
export const TABLE_ENTITIES: readonly EntitySchema[] = [...MANIFESTS_ENTITIES, ...SETTINGS_ENTITIES, ...BACKTESTS_ENTITIES, ...HYPOTHESES_ENTITIES, ...PICKS_ENTITIES, ...ALERTS_ENTITIES, ...CONTROLS_ENTITIES];

/** The typed tables on one EntityManager: the pool's `ds.manager`, or a transaction's `queryRunner.manager`. */
export function tablesOf(m: EntityManager): Tables {
  return {
    manifests: manifestsTables(m),
    settings: settingsTables(m),
    backtests: backtestsTables(m),
    hypotheses: hypothesesTables(m),
    picks: picksTables(m),
    alerts: alertsTables(m),
    controls: controlsTables(m),
  };
}
