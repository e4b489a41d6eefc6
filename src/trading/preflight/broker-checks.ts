import type { Broker, BrokerAccount, BrokerClock } from '../../adapters/brokers/port.js';
import { nyLocalParts } from '../../engine/calendar/index.js';
import type { MarketHours } from '../../engine/market-hours.js';
import { usd } from '../../engine/risk/format.js';
import { blockingFlags } from '../../lib/account-flags.js';
import { isBrokerError } from '../../lib/broker-errors.js';
import { errText } from '../../lib/errors.js';
import type { CheckVerdict, PreflightCheck } from './types.js';

/**
 * The broker's checks (issue 20, item 1): credentials accepted, account
 * flags, buying power, the broker's clock against our calendar, and the
 * clock skew between this machine and the broker. The simulated paper
 * broker has none of these: one pass says so.
 */
export interface BrokerCheckDeps {
  /** BROKER as configured. */
  kind: 'paper' | 'alpaca-paper' | 'alpaca-live';
  /** Where the keys are sent (null for the paper broker), for the fix lines. */
  baseUrl: string | null;
  /** EXEC_PER_ORDER_BUDGET: the buying power one entry needs. */
  perOrderBudget: number;
  /** Our calendar as the order path uses it (`marketHoursFor(config)`). */
  hours: MarketHours;
  /** This machine's clock (ms). */
  now: () => number;
  /** The broker, built on first use; null for the paper broker. */
  broker: (() => Pick<Broker, 'name' | 'account' | 'clock'>) | null;
  /** The market the broker trades (default `us`). */
  market?: string;
}

/** Above this, this machine's clock and the broker's disagree too much: ✗. */
export const MAX_CLOCK_SKEW_MS = 2_000;
/** Our next open and the broker's may differ by this much before the clock check warns. */
const NEXT_OPEN_TOLERANCE_MS = 60_000;
const PAPER_URL = 'https://paper-api.alpaca.markets';
const LIVE_URL = 'https://api.alpaca.markets';
const MAX_SAW = 300;

/** One read's outcome, kept: every check that needs it looks at the same answer or the same error. */
type Read<T> = PromiseSettledResult<T>;
/** A clock answer with when it was asked and answered on this machine, for the skew. */
interface TimedClock {
  clock: BrokerClock;
  sentMs: number;
  receivedMs: number;
}

export function brokerChecks(deps: BrokerCheckDeps): PreflightCheck[] {
  const market = deps.market ?? 'us';
  if (deps.kind === 'paper' || deps.broker === null) {
    return [
      {
        id: 'broker.paper',
        title: 'Paper broker',
        market,
        run: async () => ({ level: 'pass', saw: 'the simulated paper broker (Postgres): no keys, account flags, buying power or broker clock to check' }),
      },
    ];
  }
  const name = deps.kind;
  const makeBroker = deps.broker;
  let broker: Pick<Broker, 'name' | 'account' | 'clock'> | null = null;
  const theBroker = () => (broker ??= makeBroker());
  // One account read and one clock read per run, shared by the checks that need them (they run at once).
  let account: Promise<Read<BrokerAccount>> | null = null;
  let clock: Promise<Read<TimedClock>> | null = null;
  const readAccount = () => (account ??= settle(async () => theBroker().account()));
  const readClock = () =>
    (clock ??= settle(async () => {
      const b = theBroker();
      if (!b.clock) throw new Error(`${name} keeps no clock`);
      const sentMs = deps.now();
      // Fresh: a cached answer's timestamp says nothing about the skew now.
      const c = await b.clock({ fresh: true });
      return { clock: c, sentMs, receivedMs: deps.now() };
    }));
  const check = (suffix: string, title: string, run: () => Promise<CheckVerdict>): PreflightCheck => ({ id: `broker.${name}.${suffix}`, title: `${name} ${title}`, market, run });
  const notChecked = (r: Read<BrokerAccount>): CheckVerdict => ({
    level: 'fail',
    saw: `not checked: the account could not be read (${cap(errText(r.status === 'fulfilled' ? null : r.reason))})`,
    fix: `fix "${name} credentials accepted" first, then run preflight again.`,
  });

  return [
    check('credentials', 'credentials accepted', async () => {
      const r = await readAccount();
      if (r.status === 'fulfilled') return { level: 'pass', saw: `${name} accepted the keys at ${deps.baseUrl ?? 'its API'} (account status ${r.value.flags?.status ?? 'not given'})` };
      if (isBrokerError(r.reason, 'auth')) {
        const status = r.reason.status === undefined ? '' : ` (HTTP ${r.reason.status})`;
        return { level: 'fail', saw: `the broker refused the keys${status} at ${deps.baseUrl ?? name}`, fix: keysFix(deps) };
      }
      return {
        level: 'fail',
        saw: `could not read the account: ${cap(errText(r.reason))}`,
        fix: `check that ${deps.baseUrl ?? name} is reachable from this machine (and https://status.alpaca.markets), then run preflight again.`,
      };
    }),
    check('account-flags', 'account flags', async () => {
      const r = await readAccount();
      if (r.status === 'rejected') return notChecked(r);
      const flags = blockingFlags(r.value.flags);
      const status = r.value.flags?.status ?? null;
      if (flags.length > 0) {
        return {
          level: 'fail',
          saw: `${name} reports ${flags.join(', ')}${status ? ` (account status ${status})` : ''}: it refuses every new order`,
          fix: 'clear it in the Alpaca dashboard (Account → trading settings; ask Alpaca support for a block they set), then run preflight again.',
        };
      }
      return { level: 'pass', saw: `no flag blocks trading${status ? ` (account status ${status})` : ''}` };
    }),
    check('buying-power', 'buying power', async () => {
      const r = await readAccount();
      if (r.status === 'rejected') return notChecked(r);
      const bp = r.value.buyingPower;
      const budget = deps.perOrderBudget;
      if (!(bp > 0)) {
        return { level: 'fail', saw: `buying power ${usd(bp)} (cash ${usd(r.value.cash)}, equity ${usd(r.value.equity)}): the broker would refuse every entry`, fix: `add cash at ${name} (or close positions) so it covers EXEC_PER_ORDER_BUDGET (${usd(budget)}), then run preflight again.` };
      }
      if (bp < budget) {
        return {
          level: 'warn',
          saw: `buying power ${usd(bp)} is below the per-order budget of ${usd(budget)}: an entry larger than ${usd(bp)} is refused by the broker`,
          fix: `add cash at ${name}, or lower EXEC_PER_ORDER_BUDGET to at most ${usd(bp)}.`,
        };
      }
      return { level: 'pass', saw: `buying power ${usd(bp)} covers the per-order budget of ${usd(budget)}` };
    }),
    check('clock', 'clock against our calendar', async () => {
      const r = await readClock();
      if (r.status === 'rejected') return clockUnreadable(name, r.reason);
      return clockAgainstCalendar(name, r.value.clock, deps.hours, r.value.receivedMs);
    }),
    check('clock-skew', 'clock skew', async () => {
      const r = await readClock();
      if (r.status === 'rejected') return clockUnreadable(name, r.reason);
      return clockSkew(name, r.value);
    }),
  ];
}

/** Which keys go with which URL: the one thing to get right when the broker refuses them. */
function keysFix(deps: BrokerCheckDeps): string {
  const live = deps.kind === 'alpaca-live';
  const url = deps.baseUrl ?? (live ? LIVE_URL : PAPER_URL);
  const custom = url !== PAPER_URL && url !== LIVE_URL ? ` (ALPACA_TRADING_URL sends them to ${url})` : '';
  return (
    `set APCA_API_KEY_ID and APCA_API_SECRET_KEY to the ${live ? 'live' : 'paper'} keys from the Alpaca dashboard${custom}: ` +
    `paper keys work only with BROKER=alpaca-paper (${PAPER_URL}), live keys only with BROKER=alpaca-live (${LIVE_URL}); regenerate them if they were revoked, restart, then run preflight again.`
  );
}

function clockUnreadable(name: string, error: unknown): CheckVerdict {
  const keys = isBrokerError(error, 'auth') ? ` fix "${name} credentials accepted" first.` : '';
  return { level: 'fail', saw: `could not read ${name}'s clock: ${cap(errText(error))}`, fix: `check that ${name} answers GET /v2/clock.${keys} Then run preflight again.` };
}

/** Is the market open, and when does it next open, by the broker and by us. A disagreement warns: entries wait for both to say open. */
export function clockAgainstCalendar(name: string, c: BrokerClock, hours: MarketHours, nowMs: number): CheckVerdict {
  const ours = hours.name === 'always' ? 'our hours (MARKET_HOURS=always)' : 'our calendar (NYSE sessions)';
  const oursOpen = hours.isOpen(nowMs);
  const word = (open: boolean) => (open ? 'open' : 'closed');
  const fix = `entries go only while both say open; if this is not a holiday or a halt, check the exchange calendar (courtside calendar) and ${name}'s status page.`;
  if (c.isOpen !== oursOpen) {
    return { level: 'warn', saw: `${name} says ${word(c.isOpen)}, ${ours} says ${word(oursOpen)} at ${et(nowMs)}`, fix };
  }
  if (!c.isOpen && hours.name !== 'always') {
    const theirs = c.nextOpen === null ? Number.NaN : Date.parse(c.nextOpen);
    const next = hours.nextOpen(nowMs)?.open ?? Number.NaN;
    if (Number.isFinite(theirs) && Number.isFinite(next) && Math.abs(theirs - next) > NEXT_OPEN_TOLERANCE_MS) {
      return { level: 'warn', saw: `both say closed, but ${name}'s next open is ${et(theirs)} and ${ours}'s is ${et(next)}`, fix };
    }
    return { level: 'pass', saw: `${name} and ${ours} agree: closed${Number.isFinite(next) ? `, next open ${et(next)}` : ''}` };
  }
  return { level: 'pass', saw: `${name} and ${ours} agree: ${word(oursOpen)}` };
}

/**
 * The broker's time of its answer against this machine's at the middle of
 * the round trip. The round trip bounds what can be claimed: half of it is
 * allowed on top of {@link MAX_CLOCK_SKEW_MS} before it is a ✗.
 */
export function clockSkew(name: string, t: TimedClock): CheckVerdict {
  const brokerMs = Date.parse(t.clock.at);
  if (!Number.isFinite(brokerMs)) return { level: 'fail', saw: `${name}'s clock gave no readable time (${JSON.stringify(t.clock.at).slice(0, 60)})`, fix: `report it with ${name}'s answer to GET /v2/clock; then run preflight again.` };
  const rtt = Math.max(0, t.receivedMs - t.sentMs);
  const skew = brokerMs - (t.sentMs + rtt / 2);
  const secs = `${skew >= 0 ? '+' : '-'}${(Math.abs(skew) / 1000).toFixed(1)} s`;
  const saw = `${name}'s clock is ${secs} ${skew >= 0 ? 'ahead of' : 'behind'} this machine's (round trip ${Math.round(rtt)} ms; limit ${MAX_CLOCK_SKEW_MS / 1000} s)`;
  if (Math.abs(skew) - rtt / 2 > MAX_CLOCK_SKEW_MS) {
    return { level: 'fail', saw, fix: 'turn on time sync on this machine (NTP: `timedatectl set-ntp true`, chrony or systemd-timesyncd), check `timedatectl status`, then run preflight again.' };
  }
  return { level: 'pass', saw };
}

/** `run`'s outcome as Promise.allSettled gives it (`run` is async: a throw before its first await is a rejection too). */
async function settle<T>(run: () => Promise<T>): Promise<Read<T>> {
  const [outcome] = await Promise.allSettled([run()]);
  return outcome!;
}

function cap(text: string): string {
  return text.length > MAX_SAW ? `${text.slice(0, MAX_SAW)}…` : text;
}

/** `Mon 2026-12-07 09:30 ET`. */
function et(ms: number): string {
  const p = nyLocalParts(ms);
  return `${p.date} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')} ET`;
}
