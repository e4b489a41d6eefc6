import type { SqlSession } from '../port.js';
import type { ManifestsTables } from './manifests/port.js';
import type { SettingsTables } from './settings/port.js';
import type { BacktestsTables } from './backtests/port.js';
import type { HypothesesTables } from './hypotheses/port.js';
import type { PicksTables } from './picks/port.js';
import type { AlertsTables } from './alerts/port.js';
import type { ControlsTables } from './controls/port.js';

/**
 * The typed repositories of every table use cases read or write plainly, one
 * group per aggregate, each backed by TypeORM entities (src/adapters/db/tables/<group>/).
 * Hand-written atomic statements (the approval CTE, reservation + order row,
 * booking) stay reviewed SQL through `SqlSession.rows`/`exec` with parsed rows.
 */
export interface Tables {
  readonly manifests: ManifestsTables;
  readonly settings: SettingsTables;
  readonly backtests: BacktestsTables;
  readonly hypotheses: HypothesesTables;
  readonly picks: PicksTables;
  readonly alerts: AlertsTables;
  readonly controls: ControlsTables;
}

/** A session with its typed tables: the pool's, or one transaction's (then every table call joins that transaction). */
export interface TableSession extends SqlSession {
  readonly tables: Tables;
}
