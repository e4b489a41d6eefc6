import type { SqlSession } from '../../../adapters/db/port.js';
import { readHeartbeats, type HeartbeatView } from '../../status/heartbeat.js';
import type { PreflightCheck } from '../types.js';

/** What the pin check reads: the roles' heartbeats (each carries the pin its process started with). */
export interface ConfigPinCheckDeps {
  db: SqlSession;
  /** HEARTBEAT_STALE_MS: an older beat is a stopped process, not a running configuration. */
  staleMs: number;
  /** The pin of the configuration this run would start with (a running role's own, or null/absent: not compared). */
  expected?: string | null;
}

const SHOWN = 12;
const short = (pin: string) => pin.slice(0, SHOWN);

/**
 * The configuration pin (issue 20, item 2): every live process of the
 * installation should run the same settings. ✗ when the latest heartbeats
 * carry different pins (a role was restarted after an edit, the others not);
 * ⚠ when a live process carries none (a release before pins) or when they all
 * differ from `expected`; ✓ otherwise, naming the pin.
 */
export function configPinCheck(deps: ConfigPinCheckDeps): PreflightCheck {
  return {
    id: 'config.pin',
    title: 'Configuration pin',
    fixOnError: 'Check Postgres (see its check): the heartbeats carrying each role\'s pin could not be read.',
    run: async () => {
      const live = (await readHeartbeats(deps.db, deps.staleMs)).filter((h) => !h.stale);
      const pinned = live.filter((h): h is HeartbeatView & { pin: string } => h.pin !== null);
      const pins = [...new Set(pinned.map((h) => h.pin))];
      const each = (hs: readonly HeartbeatView[]) => hs.map((h) => `${h.role}@${h.host} ${h.pin ? short(h.pin) : 'no pin'}`).join(', ');
      if (pins.length > 1) {
        return { level: 'fail', saw: `roles run with different configurations: ${each(pinned)}`, fix: 'Restart every role with the same settings (`courtside config show` lists them and the running pins).' };
      }
      const unpinned = live.filter((h) => h.pin === null);
      if (unpinned.length > 0) {
        return { level: 'warn', saw: `${each(unpinned)}: running without a configuration pin (an older release?)`, fix: 'Restart those roles with this release so their configuration is pinned and compared.' };
      }
      if (pins.length === 0) return { level: 'pass', saw: 'no role running: nothing to compare' };
      if (deps.expected && pins[0] !== deps.expected) {
        return { level: 'warn', saw: `running roles have pin ${short(pins[0]!)}, these settings give ${short(deps.expected)}`, fix: 'Restart the roles to apply these settings, or fix the settings to match what runs (`courtside config show`).' };
      }
      return { level: 'pass', saw: `pin ${short(pins[0]!)} on ${pinned.length} live process${pinned.length === 1 ? '' : 'es'} (${[...new Set(pinned.map((h) => h.role))].join(', ')})` };
    },
  };
}
