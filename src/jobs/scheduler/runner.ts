import schedule from 'node-schedule';
import type { Logger } from 'pino';
import type { SqlSession } from '../../adapters/db/port.js';
import { NY_TIME_ZONE, type SessionInfo } from '../../engine/calendar/index.js';
import { errText } from '../../lib/errors.js';
import { withTimeout } from '../../lib/timeout.js';
import { dueOccurrences, isCatchUp, nextOccurrence, type Occurrence } from '../../engine/schedule/plan.js';
import type { MarketPlan } from '../../engine/schedule/market-plan.js';
import type { Market } from '../../engine/market/markets.js';
import { ScheduledRuns } from '../../trading/schedule/runs-repo.js';
import { marketSlotPlan, type MarketCalendarChoice } from '../../trading/schedule/market-sessions.js';
import { CachedCalendarOverrides, type CalendarOverridesPort } from '../../trading/calendar/overrides-source.js';
import { CalendarOverrideStore } from '../../trading/calendar/store.js';
import type { AnySlotKind, SlotDef } from '../../engine/schedule/slots.js';
import { ignoredBecause } from '../ignore.js';

/** What an enqueue callback is told about the occurrence it must enqueue. */
export interface SlotRun {
  /**
   * The market whose slot table it belongs to. The scheduler always sets it; it
   * is optional in the type only so that runs built by hand for the US-only
   * callbacks (tests) need not name it — absent means US.
   */
  market?: Market;
  slot: string;
  kind: AnySlotKind;
  /** Session date, exchange-local `YYYY-MM-DD` (New York for US, Seoul for KR). */
  sessionDate: string;
  /** Use this as the BullMQ jobId (`sched-<market>-<slot>-<date>`, market lower-case): a retried or duplicated enqueue is then a no-op. */
  jobId: string;
  dueAt: Date;
  /** True when fired late (process was down, or a retry): a catch-up rather than an on-time run. */
  caughtUp: boolean;
  session: SessionInfo;
}

/** Enqueues the real job(s) for one occurrence. Throwing makes the scheduler retry on its next tick (while the slot's catch-up window lasts). */
export type EnqueueFn = (run: SlotRun) => Promise<void>;

/** A slot with the callback that enqueues its work. */
export interface BoundSlot {
  def: SlotDef;
  enqueue: EnqueueFn;
}

/**
 * One market's slot table: its slots are planned on that market's sessions
 * (its exchange's calendar with that exchange's run-time overrides) and clock.
 * Slot names are unique within a table; two markets may share one (their job
 * ids differ by the market).
 */
export interface MarketSlotTable extends MarketCalendarChoice {
  slots: readonly BoundSlot[];
}

/**
 * Pairs slots with the callbacks for their kind. Slots of a kind without a
 * callback are returned in `unbound` (log them; the dead-man must not watch them).
 */
export function bindSlots(slots: readonly SlotDef[], handlers: Partial<Record<AnySlotKind, EnqueueFn>>): { bound: BoundSlot[]; unbound: SlotDef[] } {
  const bound: BoundSlot[] = [];
  const unbound: SlotDef[] = [];
  for (const def of slots) {
    const fn = handlers[def.kind];
    if (fn) bound.push({ def, enqueue: fn });
    else unbound.push(def);
  }
  return { bound, unbound };
}

/** Wall-clock trigger: calls `onTick` at the start of every New York minute. Returns a stop function. */
export interface TickSource {
  start(onTick: () => void): () => void;
}

/**
 * node-schedule, time-zone aware: fires at second 0 of every minute in
 * America/New_York. Every slot time is a whole New York minute, so each slot
 * is evaluated at its exact minute; the same ticks retry failed enqueues.
 */
export function nodeScheduleTicks(): TickSource {
  return {
    start(onTick) {
      const job = schedule.scheduleJob({ rule: '* * * * *', tz: NY_TIME_ZONE }, () => onTick());
      return () => job?.cancel();
    },
  };
}

/** What one tick did with one occurrence. */
export interface FireOutcome {
  market: Market;
  jobId: string;
  slot: string;
  sessionDate: string;
  dueAt: number;
  firedAt: number;
  caughtUp: boolean;
  result: 'enqueued' | 'done' | 'busy' | 'failed';
  error?: string;
}

export interface SchedulerOptions {
  /** Postgres, where `scheduled_runs` records each claim and enqueue. */
  db: SqlSession;
  /** The US slot table (shorthand for a `markets` entry `{ market: 'US', slots }`). */
  slots?: readonly BoundSlot[];
  /** Slot tables per market, each planned on its own sessions; a market may appear once (counting `slots` as US). */
  markets?: readonly MarketSlotTable[];
  /** This process (recorded in `scheduled_runs.enqueued_by`). */
  instance: string;
  log: Logger;
  /** What it is called in its log lines ("<name> started"); default "scheduler". */
  name?: string;
  /** Injectable clock (epoch ms); defaults to Date.now. */
  now?: () => number;
  /** Wall-clock trigger; defaults to node-schedule. `null`: no automatic ticks (tests call tick()). */
  ticks?: TickSource | null;
  /** How long an unconfirmed claim blocks other replicas (default 60 s). */
  leaseMs?: number;
  /** Fired more than this after due → recorded as a catch-up (default 2 min). */
  lateToleranceMs?: number;
  /** An enqueue callback taking longer is treated as failed and retried (default 30 s). */
  enqueueTimeoutMs?: number;
  /** Called after each tick with what it did (metrics, tests). */
  onTick?: (outcomes: FireOutcome[]) => void;
  /**
   * Run-time calendar overrides (`courtside calendar close|late-open`), each market's from its
   * exchange: no slot runs on a closed day, open-anchored slots move with a late open. Default:
   * `calendar_overrides` in `db`, re-read every 30 s. `null`: the rule calendars only.
   */
  calendarOverrides?: CalendarOverridesPort | null;
}

/**
 * Runs the slots: on every tick it asks the pure planner which occurrences
 * are due and still inside their catch-up window, claims each in
 * `scheduled_runs` (one replica wins), calls its enqueue callback with the
 * market- and date-keyed jobId and confirms. The first tick at start-up is the
 * catch-up: a run missed while the process was down is enqueued once, if still
 * useful. Each market's table is planned on its own sessions.
 */
export class Scheduler {
  private readonly runs: ScheduledRuns;
  private readonly now: () => number;
  private readonly leaseMs: number;
  private readonly toleranceMs: number;
  private readonly timeoutMs: number;
  private readonly overrides: CalendarOverridesPort | null;
  private readonly tables: readonly MarketSlotTable[];
  /** Occurrences known to be enqueued (by anyone): skipped without a query. */
  private readonly done = new Map<string, number>();
  private stopTicks: (() => void) | null = null;
  private running: Promise<FireOutcome[]> | null = null;
  private rerun = false;
  private stopped = false;

  constructor(private readonly opts: SchedulerOptions) {
    this.runs = new ScheduledRuns(opts.db);
    this.now = opts.now ?? Date.now;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.toleranceMs = opts.lateToleranceMs ?? 120_000;
    this.timeoutMs = opts.enqueueTimeoutMs ?? 30_000;
    const store = new CalendarOverrideStore(opts.db);
    this.overrides =
      opts.calendarOverrides !== undefined
        ? opts.calendarOverrides
        : new CachedCalendarOverrides({ list: () => store.list() }, { onStale: (err) => opts.log.warn({ err }, 'calendar overrides not re-read; using the last read') });
    this.tables = [...(opts.slots !== undefined ? [{ market: 'US' as const, slots: opts.slots }] : []), ...(opts.markets ?? [])];
    const markets = new Set<Market>();
    for (const t of this.tables) {
      if (markets.has(t.market)) throw new RangeError(`market ${t.market} has two slot tables (listed twice; \`slots\` is the US table)`);
      markets.add(t.market);
      const names = new Set<string>();
      for (const s of t.slots) {
        if (!/^[a-z0-9][a-z0-9-]*$/.test(s.def.slot)) throw new RangeError(`slot name "${s.def.slot}" must be lowercase letters, digits and -`);
        if (names.has(s.def.slot)) throw new RangeError(`slot "${s.def.slot}" is listed twice in the ${t.market} table`);
        names.add(s.def.slot);
      }
    }
  }

  /** The US slots this scheduler runs (give the same list to the dead-man's `slots`). */
  get slots(): SlotDef[] {
    return this.tables.find((t) => t.market === 'US')?.slots.map((s) => s.def) ?? [];
  }

  /** Every market's slots (give the non-US ones to the dead-man's `markets`). */
  get marketSlots(): { market: Market; slots: SlotDef[] }[] {
    return this.tables.map((t) => ({ market: t.market, slots: t.slots.map((s) => s.def) }));
  }

  /** Ticks once now (the start-up catch-up), then on every wall-clock tick. Resolves with the catch-up's outcomes. */
  async start(): Promise<FireOutcome[]> {
    const first = await this.tick();
    if (!this.stopped && this.opts.ticks !== null) {
      const source = this.opts.ticks ?? nodeScheduleTicks();
      this.stopTicks = source.start(() => {
        void this.tick().catch((err: unknown) => this.opts.log.error({ err }, 'scheduler tick failed'));
      });
    }
    const now = this.now();
    // On the rule calendars (overrides `null`): a hint for the log, not worth an overrides read.
    const plans = await Promise.all(this.tables.map((t) => marketSlotPlan(t, null, () => undefined)));
    const next = this.tables
      .map((t, i) => nextOccurrence(t.slots.map((s) => s.def), now, undefined, plans[i]))
      .filter((o) => o !== null)
      .sort((a, b) => a.dueAt - b.dueAt)[0];
    const others = this.tables.filter((t) => t.market !== 'US');
    this.opts.log.info(
      {
        slots: this.slots.map((s) => s.slot),
        ...(others.length > 0 ? { markets: Object.fromEntries(others.map((t) => [t.market, t.slots.map((s) => s.def.slot)])) } : {}),
        caughtUp: first.filter((o) => o.result === 'enqueued' && o.caughtUp).map((o) => o.jobId),
        next: next ? { jobId: next.jobId, dueAt: new Date(next.dueAt).toISOString() } : null,
      },
      `${this.opts.name ?? 'scheduler'} started`,
    );
    return first;
  }

  /** Stops the ticks and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopTicks?.();
    this.stopTicks = null;
    // A failed tick was already logged by whoever started it (start() or a caller of tick()).
    await this.running?.catch(ignoredBecause(this.opts.log, 'scheduler tick in progress at stop failed'));
  }

  /**
   * Evaluates the plan at the clock's current instant and fires what is due.
   * Ticks never overlap: a tick requested while one runs is folded into one more pass after it.
   */
  tick(): Promise<FireOutcome[]> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    const run = async (): Promise<FireOutcome[]> => {
      const all: FireOutcome[] = [];
      do {
        this.rerun = false;
        all.push(...(await this.pass()));
      } while (this.rerun && !this.stopped);
      return all;
    };
    this.running = run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<FireOutcome[]> {
    const now = this.now();
    this.prune(now);
    const outcomes: FireOutcome[] = [];
    for (const table of this.tables) {
      if (table.slots.length === 0) continue;
      const bySlot = new Map(table.slots.map((s) => [s.def.slot, s] as const));
      const plan = await this.plan(table);
      for (const o of dueOccurrences(table.slots.map((s) => s.def), now, plan)) {
        if (this.stopped) break;
        if (this.done.has(o.jobId)) continue;
        const bound = bySlot.get(o.slot.slot);
        if (!bound) continue;
        outcomes.push(await this.fire(o, bound, now));
      }
    }
    if (outcomes.length > 0) this.opts.onTick?.(outcomes);
    return outcomes;
  }

  private async fire(o: Occurrence, bound: BoundSlot, now: number): Promise<FireOutcome> {
    const caughtUp = isCatchUp(o, now, this.toleranceMs);
    const base = { market: o.market, jobId: o.jobId, slot: o.slot.slot, sessionDate: o.sessionDate, dueAt: o.dueAt, firedAt: now, caughtUp };
    const log = this.opts.log.child({ market: o.market, slot: o.slot.slot, sessionDate: o.sessionDate, jobId: o.jobId });
    let claim;
    try {
      claim = await this.runs.claim(o, this.opts.instance, caughtUp, now, this.leaseMs);
    } catch (err) {
      log.warn({ err }, 'could not record the scheduled run; will retry');
      return { ...base, result: 'failed', error: errText(err) };
    }
    if (claim === 'done') {
      this.done.set(o.jobId, o.until);
      return { ...base, result: 'done' };
    }
    if (claim === 'busy') return { ...base, result: 'busy' };
    try {
      await withTimeout(
        bound.enqueue({ market: o.market, slot: o.slot.slot, kind: o.slot.kind, sessionDate: o.sessionDate, jobId: o.jobId, dueAt: new Date(o.dueAt), caughtUp, session: o.session }),
        this.timeoutMs,
        'enqueue',
      );
    } catch (err) {
      log.warn({ err }, 'scheduled enqueue failed; will retry while the slot is still useful');
      await this.runs.release(o.jobId, this.opts.instance, errText(err)).catch((e: unknown) => log.warn({ err: e }, 'could not release the claim'));
      return { ...base, result: 'failed', error: errText(err) };
    }
    this.done.set(o.jobId, o.until);
    try {
      await this.runs.confirm(o.jobId, this.opts.instance, this.now());
    } catch (err) {
      // The job is in the queue; the lease lets a later claim re-enqueue with the same jobId (a no-op).
      log.warn({ err }, 'enqueued, but the confirmation was not recorded');
    }
    log.info({ caughtUp, dueAt: new Date(o.dueAt).toISOString() }, caughtUp ? 'scheduled slot caught up' : 'scheduled slot enqueued');
    return { ...base, result: 'enqueued' };
  }

  /** The table's sessions with its exchange's run-time overrides applied; the rule calendar when there are none or they cannot be read. */
  private plan(table: MarketSlotTable): Promise<MarketPlan> {
    return marketSlotPlan(table, this.overrides, (err) => this.opts.log.warn({ err, market: table.market }, 'calendar overrides not read; planning on the rule calendar'));
  }


  private prune(now: number): void {
    for (const [k, until] of this.done) if (until < now) this.done.delete(k);
  }
}

/** Builds a scheduler and starts it (catch-up tick first). */
export async function startScheduler(opts: SchedulerOptions): Promise<Scheduler> {
  const s = new Scheduler(opts);
  await s.start();
  return s;
}
