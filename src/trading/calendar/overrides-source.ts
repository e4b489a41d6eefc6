import type { SqlSession } from '../../adapters/db/port.js';
import { exchangeCalendar, type ExchangeCalendar, type ExchangeId } from '../../engine/calendar/exchange.js';
import type { SessionInfo } from '../../engine/calendar/index.js';
import { withOverrides, type CalendarOverride } from '../../engine/calendar/overrides.js';
import { CalendarOverrideStore } from './store.js';

/** Where the scheduler and the entry gate read run-time calendar overrides. May throw when they cannot be read. */
export interface CalendarOverridesPort {
  forExchange(exchange: ExchangeId): Promise<readonly CalendarOverride[]>;
}

/** How long a read of the overrides is used before the next one. Short, so a closure acts within a minute. */
export const OVERRIDES_TTL_MS = 30_000;

/**
 * How old the last good read may be when a re-read fails and it is answered instead (4 TTLs:
 * a database blip of a minute or two does not stop trading). Past it the reader throws: a
 * closure added meanwhile (`courtside calendar close`) would go unseen, and the entry gate must
 * then refuse new risk rather than trade on a calendar it cannot confirm.
 */
export const OVERRIDES_MAX_STALE_MS = 120_000;

/** Options of {@link CachedCalendarOverrides}. */
export interface CachedOverridesOptions {
  /** Default {@link OVERRIDES_TTL_MS}; 0 reads on every call. */
  ttlMs?: number;
  /**
   * Elapsed-time clock (ms) for the cache age; default `performance.now()`. Real
   * elapsed time, not the trading clock: the cache limits database reads, which
   * happen in real time even when a test or replay moves the trading clock.
   */
  clock?: () => number;
  /** Told of a failed read that was answered with the last good one. */
  onStale?: (err: unknown) => void;
  /** Default {@link OVERRIDES_MAX_STALE_MS}: the oldest last good read a failed re-read is answered with. */
  maxStaleMs?: number;
}

/**
 * The overrides of every exchange, read from Postgres at most once per TTL and
 * re-read after it, so a change made with `courtside calendar` acts without a
 * restart. A failed read is answered with the last good one (and `onStale`)
 * while that is at most `maxStaleMs` old; with none, or an older one, it throws.
 */
export class CachedCalendarOverrides implements CalendarOverridesPort {
  private readonly ttlMs: number;
  private readonly maxStaleMs: number;
  private readonly clock: () => number;
  private snapshot: { at: number; rows: readonly CalendarOverride[] } | null = null;
  private loading: Promise<readonly CalendarOverride[]> | null = null;

  constructor(
    private readonly source: { list(): Promise<readonly CalendarOverride[]> },
    private readonly opts: CachedOverridesOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? OVERRIDES_TTL_MS;
    this.maxStaleMs = opts.maxStaleMs ?? OVERRIDES_MAX_STALE_MS;
    this.clock = opts.clock ?? (() => performance.now());
  }

  async forExchange(exchange: ExchangeId): Promise<readonly CalendarOverride[]> {
    return (await this.all()).filter((o) => o.exchange === exchange);
  }

  private async all(): Promise<readonly CalendarOverride[]> {
    const t = this.clock();
    const s = this.snapshot;
    if (s !== null && t >= s.at && t - s.at < this.ttlMs) return s.rows;
    // Concurrent callers share one read.
    this.loading ??= this.source.list().finally(() => {
      this.loading = null;
    });
    try {
      const rows = await this.loading;
      this.snapshot = { at: this.clock(), rows };
      return rows;
    } catch (err) {
      if (s === null) throw err;
      const age = this.clock() - s.at;
      // A clock that went backwards gives no age to trust either.
      if (age < 0 || age > this.maxStaleMs) {
        const why = err instanceof Error ? err.message : String(err);
        throw new Error(
          `calendar overrides could not be read (${why}); the last good read is ${age / 1000} s old, past the ${this.maxStaleMs / 1000} s limit, so it is not used: check the database connection`,
          { cause: err },
        );
      }
      this.opts.onStale?.(err);
      return s.rows;
    }
  }
}

const shared = new WeakMap<SqlSession, CachedCalendarOverrides>();

/** One cached reader of `calendar_overrides` per database handle, shared by everything that holds it. */
export function sharedCalendarOverrides(db: SqlSession): CachedCalendarOverrides {
  let c = shared.get(db);
  if (c === undefined) {
    const store = new CalendarOverrideStore(db);
    c = new CachedCalendarOverrides({ list: () => store.list() });
    shared.set(db, c);
  }
  return c;
}

/** The exchange's calendar with its current overrides applied (the rule calendar itself when there are none). */
export async function overriddenCalendar(port: CalendarOverridesPort, exchange: ExchangeId): Promise<ExchangeCalendar> {
  return withOverrides(exchangeCalendar(exchange), await port.forExchange(exchange));
}

/**
 * The NYSE session lookup the scheduler plans with, overrides applied; undefined
 * when there are none (the planner then uses the rule calendar as always).
 */
export async function nyseSessionLookup(port: CalendarOverridesPort): Promise<((date: string) => SessionInfo | null) | undefined> {
  const cal = await overriddenCalendar(port, 'XNYS');
  return cal === exchangeCalendar('XNYS') ? undefined : (date) => cal.sessionInfo(date);
}

/**
 * The sessions slots are planned and judged on (the scheduler, the dead-man alert): the NYSE
 * lookup with overrides, or undefined — the rule calendar — when `port` is null (overrides off)
 * or cannot be read, which `onUnreadable` is told. Slots only run and report jobs; new risk has
 * its own refusing gate, so falling back to the rules here is safe.
 */
export async function slotSessionLookup(
  port: CalendarOverridesPort | null,
  onUnreadable: (err: unknown) => void,
): Promise<((date: string) => SessionInfo | null) | undefined> {
  if (port === null) return undefined;
  try {
    return await nyseSessionLookup(port);
  } catch (err) {
    onUnreadable(err);
    return undefined;
  }
}
