import { AuditEntryEntity } from './audit-entry.js';
import { HeartbeatEntity } from './heartbeat.js';
import { KillSwitchEntity } from './kill-switch.js';

/** Every entity schema the DataSource knows. */
export const ENTITIES = [AuditEntryEntity, HeartbeatEntity, KillSwitchEntity];
