import type { Broker } from '../../adapters/brokers/port.js';
import { errText } from '../../lib/errors.js';
import { ALERT_KINDS, alertKeys, type Alerts } from '../alerts/alerts.js';
import { readBrokerAccountStatus } from './broker-account.js';
import type { RaisedAlertDetail } from '../alerts/details.js';

/** The alert a blocked account opens, one per broker (alertKeys.accountBlocked). */
export const accountBlockedAlertKey = alertKeys.accountBlocked;

/** What the start-up check found. */
export type AccountFlagsCheck =
  /** The broker reports its flags and none blocks trading. */
  | { kind: 'allowed'; broker: string; status: string | null }
  /** At least one flag is set: new entries are refused until it is cleared at the broker. */
  | { kind: 'blocked'; broker: string; flags: string[]; status: string | null }
  /** This broker keeps no account flags (the simulated paper broker). */
  | { kind: 'no_flags'; broker: string }
  /** The account could not be read (down, slow, bad keys): each entry reads it again before its order. */
  | { kind: 'unreadable'; broker: string; error: string };

/** Where the check writes (a pino logger fits). */
export interface AccountFlagsCheckLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface AccountFlagsCheckDeps {
  broker: Pick<Broker, 'name' | 'account'>;
  alerts: Pick<Alerts, 'raise' | 'resolve'>;
  log: AccountFlagsCheckLog;
  /** Removes secrets from an error before it is logged. */
  scrub: (text: string) => string;
  /** Longest wait for the account read; default 10 s (start-up is not in a hurry, but must not hang). */
  timeoutMs?: number;
}

/** Default wait for the account read at start-up. */
export const ACCOUNT_FLAGS_CHECK_TIMEOUT_MS = 10_000;

/**
 * Reads the broker account once when a worker starts: logs its status and
 * flags, and opens an admin alert when a flag blocks trading (so an admin
 * hears it before a trader's tap is refused); an earlier start's alert is
 * resolved when the account is clear again. Never throws: a worker starts
 * whatever the broker says, because exits and /kill must still run.
 */
export async function checkAccountFlagsAtStartup(deps: AccountFlagsCheckDeps): Promise<AccountFlagsCheck> {
  const broker = deps.broker.name;
  const result = await read(deps);
  try {
    switch (result.kind) {
      case 'blocked':
        deps.log.warn({ broker, flags: result.flags, accountStatus: result.status }, 'broker account blocks trading: new entries are refused until the flag is cleared at the broker; exits and /kill still run');
        await deps.alerts.raise({ key: accountBlockedAlertKey(broker), kind: ALERT_KINDS.accountBlocked, severity: 'critical', detail: blockedDetail(result) });
        break;
      case 'allowed':
        deps.log.info({ broker, accountStatus: result.status, flags: [] }, 'broker account allows trading');
        await deps.alerts.resolve(accountBlockedAlertKey(broker));
        break;
      case 'no_flags':
        deps.log.info({ broker }, 'broker keeps no account flags');
        break;
      case 'unreadable':
        deps.log.warn({ broker, err: result.error }, 'broker account unreadable at start-up: its flags are read again before each entry');
        break;
    }
  } catch (err) {
    // The alert store (Postgres) failed: the log line above still says it, and each entry checks again.
    deps.log.warn({ broker, err: deps.scrub(errText(err)) }, 'could not record the broker account alert');
  }
  return result;
}

/** The account read /status makes (one reader, one timeout rule), told as the start-up check's result. */
async function read(deps: AccountFlagsCheckDeps): Promise<AccountFlagsCheck> {
  const broker = deps.broker.name;
  const s = await readBrokerAccountStatus({ name: broker, account: () => deps.broker.account(), scrub: deps.scrub }, deps.timeoutMs ?? ACCOUNT_FLAGS_CHECK_TIMEOUT_MS);
  if (!s.readable) return { kind: 'unreadable', broker, error: s.error };
  if (!s.hasFlags) return { kind: 'no_flags', broker };
  return s.blocking.length > 0 ? { kind: 'blocked', broker, flags: s.blocking, status: s.status } : { kind: 'allowed', broker, status: s.status };
}

/** The alert's detail: the broker, the flags it set and the account status. */
function blockedDetail(r: Extract<AccountFlagsCheck, { kind: 'blocked' }>): RaisedAlertDetail {
  return { code: 'account.blocked', broker: r.broker, flags: r.flags, status: r.status };
}
