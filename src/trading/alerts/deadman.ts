import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';
import { ALERT_KINDS, alertKeys, type Alerts, type AlertsLog } from './alerts.js';
import { latestOccurrence, type Occurrence } from '../../engine/schedule/plan.js';
import type { MarketPlan } from '../../engine/schedule/market-plan.js';
import type { Market } from '../../engine/market/markets.js';
import { sharedCalendarOverrides, type CalendarOverridesPort } from '../calendar/overrides-source.js';
import { marketSlotPlan, type MarketCalendarChoice } from '../schedule/market-sessions.js';
import { ScheduledRuns } from '../schedule/runs-repo.js';
import type { SlotDef } from '../../engine/schedule/slots.js';

/** Each role's newest beat and the host that sent it. */
const BeatRow = z.object({ role: pgText, last: pgTimestamp, host: pgText });
const BEATS_SQL = `SELECT role, max(beat_at) AS last, (array_agg(host ORDER BY beat_at DESC))[1] AS host FROM heartbeats GROUP BY role`;

export interface DeadmanOptions {
  db: SqlSession;
  alerts: Alerts;
  /** The US slots the scheduler runs (the same list it was given); empty turns the US slot check off. */
  slots: readonly SlotDef[];
  /** Other markets' slot tables (the scheduler's `markets`), each judged on its own sessions. */
  markets?: readonly DeadmanSlotTable[];
  /** A role whose newest heartbeat is older than this is dead (default 5 min). */
  staleMs?: number;
  /** Roles that must be running somewhere even if they never beat in this database (e.g. bot, worker, scheduler). */
  expectedRoles?: readonly string[];
  /** When this dead-man started watching (default: construction time). See {@link checkDeadman}. */
  startedAt?: number;
  /** Injectable clock (epoch ms). */
  now?: () => number;
  log?: AlertsLog;
  /**
   * Run-time calendar overrides (each market's exchange's), so a day closed with `courtside calendar
   * close` owes no slot and a late open moves the open-anchored ones — judged the way the scheduler
   * plans them. Default: `calendar_overrides` in `db` (cached 30 s). `null`: the rule calendars only.
   */
  calendarOverrides?: CalendarOverridesPort | null;
}

/** One market's watched slots, planned like the scheduler's table of that market. */
export interface DeadmanSlotTable extends MarketCalendarChoice {
  slots: readonly SlotDef[];
}

export interface RoleCheck {
  role: string;
  lastBeatAt: Date | null;
  ageMs: number | null;
  dead: boolean;
}

export interface SlotCheck {
  market: Market;
  slot: string;
  jobId: string;
  sessionDate: string;
  dueAt: number;
  missing: boolean;
}

export interface DeadmanReport {
  checkedAt: number;
  roles: RoleCheck[];
  slots: SlotCheck[];
  /** Alert keys raised by this check (new or still open). */
  raised: string[];
  /** Alert keys this check resolved. */
  resolved: string[];
}

const DEFAULT_STALE_MS = 5 * 60_000;

/**
 * One dead-man pass:
 *
 * - Roles: every role seen in `heartbeats` (or listed in `expectedRoles`)
 *   whose newest beat, over all its instances, is older than `staleMs` raises
 *   `deadman.heartbeat:<role>`; a fresh beat resolves it. A role that never
 *   beat here is only reported once the dead-man itself has run `staleMs`.
 * - Slots: for each slot, its latest occurrence (on its market's sessions)
 *   whose due time + grace has passed must have a confirmed enqueue in
 *   `scheduled_runs` — under its id `sched-<market>-<slot>-<date>`, or for US
 *   under the id it had before issue 15 — else `deadman.slot:<slot>` (US) or
 *   `deadman.slot:<market>-<slot>` (others, market lower-case) is raised; the
 *   next recorded occurrence resolves it. Occurrences due before the scheduler
 *   kept any record of that market here (and before this dead-man started) are
 *   not judged, so a new install, or a market just added, is quiet.
 *
 * De-duplication is the alert store's: any number of processes may run this.
 */
export async function checkDeadman(opts: DeadmanOptions & { startedAt: number }): Promise<DeadmanReport> {
  const now = (opts.now ?? Date.now)();
  const staleMs = opts.staleMs ?? DEFAULT_STALE_MS;
  const raised: string[] = [];
  const resolved: string[] = [];

  // Roles.
  const beats = await rowsOf(opts.db, BeatRow, BEATS_SQL);
  const byRole = new Map(beats.map((b) => [b.role, b] as const));
  const roles = [...new Set([...beats.map((b) => b.role), ...(opts.expectedRoles ?? [])])].sort();
  const roleChecks: RoleCheck[] = [];
  for (const role of roles) {
    const b = byRole.get(role);
    const key = alertKeys.heartbeat(role);
    if (!b) {
      const dead = now - opts.startedAt > staleMs;
      roleChecks.push({ role, lastBeatAt: null, ageMs: null, dead });
      if (dead) {
        await opts.alerts.raise({ key, kind: ALERT_KINDS.heartbeat, severity: 'critical', detail: { code: 'heartbeat.absent', role } });
        raised.push(key);
      }
      continue;
    }
    const ageMs = Math.max(0, now - b.last.getTime());
    const dead = ageMs > staleMs;
    roleChecks.push({ role, lastBeatAt: b.last, ageMs, dead });
    if (dead) {
      await opts.alerts.raise({
        key,
        kind: ALERT_KINDS.heartbeat,
        severity: 'critical',
        detail: { code: 'heartbeat.missed', role, ageMs, lastBeatAt: b.last.toISOString(), host: b.host },
      });
      raised.push(key);
    } else if ((await opts.alerts.resolve(key, { code: 'heartbeat.beating', role, lastBeatAt: b.last.toISOString(), host: b.host })).resolved) {
      resolved.push(key);
    }
  }

  // Slots.
  const slotChecks: SlotCheck[] = [];
  const tables: DeadmanSlotTable[] = [...(opts.slots.length > 0 ? [{ market: 'US' as const, slots: opts.slots }] : []), ...(opts.markets ?? [])].filter((t) => t.slots.length > 0);
  const runs = new ScheduledRuns(opts.db);
  for (const table of tables) {
    const firstRecord = await runs.firstDueAt(table.market);
    const since = Math.min(opts.startedAt, firstRecord ?? Number.POSITIVE_INFINITY);
    const judged: Occurrence[] = [];
    const plan = await slotPlan(opts, table);
    for (const slot of table.slots) {
      const o = latestOccurrence(slot, now - slot.graceMs, undefined, plan);
      if (o && o.dueAt >= since) judged.push(o);
    }
    const enqueued = await runs.enqueuedOf(judged);
    for (const o of judged) {
      const missing = !enqueued.has(o.jobId);
      slotChecks.push({ market: o.market, slot: o.slot.slot, jobId: o.jobId, sessionDate: o.sessionDate, dueAt: o.dueAt, missing });
      // US keeps its pre-issue-15 label, so alerts opened before the upgrade still resolve; others name their market.
      const label = o.market === 'US' ? o.slot.slot : `${o.market.toLowerCase()}-${o.slot.slot}`;
      const key = alertKeys.slotMissed(label);
      if (missing) {
        await opts.alerts.raise({
          key,
          kind: ALERT_KINDS.scheduleMissed,
          severity: 'critical',
          detail: { code: 'slot.missed', slot: label, sessionDate: o.sessionDate, dueAt: new Date(o.dueAt).toISOString(), lateMs: now - o.dueAt },
        });
        raised.push(key);
      } else if ((await opts.alerts.resolve(key, { code: 'slot.enqueued', slot: label, sessionDate: o.sessionDate })).resolved) {
        resolved.push(key);
      }
    }
  }

  // Messages owed from earlier failed sends.
  await opts.alerts.flush().catch((err: unknown) => opts.log?.warn({ err }, 'could not re-send owed alerts'));
  return { checkedAt: now, roles: roleChecks, slots: slotChecks, raised, resolved };
}

export interface Deadman {
  /** Runs one pass now. */
  check(): Promise<DeadmanReport>;
  /** The latest pass (null before the first). */
  lastReport(): DeadmanReport | null;
  stop(): void;
}

/**
 * Runs {@link checkDeadman} every `intervalMs` (default 60 s; first pass after
 * one interval so this process's own roles have beaten). Run it in every
 * process: with several processes, whichever is alive reports the others.
 */
export function startDeadman(opts: DeadmanOptions & { intervalMs?: number }): Deadman {
  const startedAt = opts.startedAt ?? (opts.now ?? Date.now)();
  let last: DeadmanReport | null = null;
  let running: Promise<DeadmanReport> | null = null;
  const check = (): Promise<DeadmanReport> => {
    running ??= checkDeadman({ ...opts, startedAt })
      .then((r) => {
        last = r;
        return r;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => {
    void check().catch((err: unknown) => opts.log?.warn({ err }, 'dead-man check failed'));
  }, opts.intervalMs ?? 60_000);
  timer.unref();
  return {
    check,
    lastReport: () => last,
    stop: () => clearInterval(timer),
  };
}

/** The sessions a market's slots are judged on: its exchange's calendar with overrides, or the rules when the overrides cannot be read (logged). */
function slotPlan(opts: DeadmanOptions, table: DeadmanSlotTable): Promise<MarketPlan> {
  const port = opts.calendarOverrides === undefined ? sharedCalendarOverrides(opts.db) : opts.calendarOverrides;
  return marketSlotPlan(table, port, (err) => opts.log?.warn({ err, market: table.market }, 'calendar overrides could not be read; judging slots on the rule calendar'));
}
