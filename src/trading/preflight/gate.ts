import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgNumeric, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf } from '../../lib/sql-rows.js';
import type { Alerts } from '../alerts/alerts.js';
import { PREFLIGHT_FAILS_KEPT, type PreflightFailedDetail } from '../alerts/details.js';
import type { PreflightReport, PreflightResult } from './types.js';

/**
 * The entry gate of issue 20: with a live broker, new entries go only while
 * the newest recorded preflight has no ✗. A run with a ✗ (at start-up, by
 * the CLI or /preflight) blocks them; a later run without one lifts the
 * block. Exits, /close, flatten and /kill never ask this gate: they reduce
 * risk, and a failing check must not trap a position.
 *
 * Why only live: a paper account risks no money, and blocking it would stop
 * the very trading a trader does to try Courtside out. alpaca-paper still
 * runs the preflight at start-up, records it and tells admins of a ✗
 * (see startup-preflight in src/app), so the fault is known before going live.
 */

/** BROKER values whose entries the gate holds. */
export function entriesGatedBy(brokerKind: string): boolean {
  return brokerKind === 'alpaca-live';
}

/** The alert a failed preflight opens (one per installation); a passing run resolves it. */
export const PREFLIGHT_ALERT_KEY = 'preflight.failed';
const PREFLIGHT_ALERT_KIND = 'preflight-failed';

/** A recorded run, as the gate and the faces read it. */
export interface RecordedPreflight {
  id: number;
  at: string;
  level: PreflightReport['level'];
  by: string;
  results: PreflightResult[];
}

/** Why new entries are blocked: the newest run and its failing checks, or no run at all yet. */
export type PreflightBlock =
  | { kind: 'never_ran'; broker: string }
  | { kind: 'failed'; broker: string; run: RecordedPreflight; failing: PreflightResult[] };

/** `id` is bigserial (text from the driver). */
const IdRow = z.object({ id: pgNumeric });
const RECORD_SQL = `INSERT INTO preflight_runs (at, level, results, by, ms) VALUES ($1::timestamptz, $2, $3::jsonb, $4, $5) RETURNING id`;

const Level = z.enum(['pass', 'warn', 'fail'] satisfies PreflightResult['level'][]);
/** One stored result (the jsonb array holds what {@link recordPreflight} wrote). */
const StoredResult = z.object({
  id: z.string(),
  title: z.string(),
  level: Level,
  saw: z.string(),
  fix: z.string().nullable(),
  ms: z.number(),
  market: z.string().nullable().optional(),
});
const RunRow = z.object({
  id: pgNumeric,
  at: pgTimestamp,
  level: Level,
  by: pgText,
  // Anything but an array reads as no results (as before schemas).
  results: z.preprocess((v) => (Array.isArray(v) ? v : []), z.array(StoredResult)),
});
const LATEST_SQL = `SELECT id, at, level, by, results FROM preflight_runs ORDER BY id DESC LIMIT 1`;

export interface RecordOptions {
  /** Opens the admins' alert on a ✗ and resolves it on a run without one; without it, only the row is written. */
  alerts?: Pick<Alerts, 'raise' | 'resolve'>;
  /** BROKER as configured (for the alert: whether entries are blocked). */
  broker?: string;
}

/**
 * Records a run (the CLI, /preflight and the start-up run all call this), so
 * the gate reads it: a run with no ✗ lifts a block. `by`: who ran it
 * (`cli`, `telegram:<user id>`, `startup:worker:<instance>`). With `alerts`,
 * a ✗ opens (or refreshes) the admins' alert and a run without one resolves it.
 */
export async function recordPreflight(db: SqlSession, report: PreflightReport, by: string, opts: RecordOptions = {}): Promise<RecordedPreflight> {
  const row = await rowOf(db, IdRow, RECORD_SQL, [report.at, report.level, JSON.stringify(report.results), by, Math.max(0, Math.round(report.ms))]);
  const run: RecordedPreflight = { id: Number(row!.id), at: report.at, level: report.level, by, results: report.results };
  if (opts.alerts) {
    if (report.level === 'fail') {
      const broker = opts.broker ?? 'unknown';
      await opts.alerts.raise({ key: PREFLIGHT_ALERT_KEY, kind: PREFLIGHT_ALERT_KIND, severity: entriesGatedBy(broker) ? 'critical' : 'warning', detail: failedDetail(run, broker) });
    } else {
      await opts.alerts.resolve(PREFLIGHT_ALERT_KEY, { code: 'preflight.passed', at: run.at, by, level: report.level });
    }
  }
  return run;
}

/** The newest recorded run, or null when none was ever recorded. */
export async function latestPreflight(db: SqlSession): Promise<RecordedPreflight | null> {
  const r = await rowOf(db, RunRow, LATEST_SQL);
  if (!r) return null;
  return { id: Number(r.id), at: r.at.toISOString(), level: r.level, by: r.by, results: r.results };
}

/**
 * Null while new entries may go: the broker is not gated, or the newest run
 * has no ✗. Otherwise why not. Read on every Approve and again right before
 * an entry's order is sent, so a tap made before a failing run cannot pass.
 */
export async function preflightBlock(db: SqlSession, brokerKind: string): Promise<PreflightBlock | null> {
  if (!entriesGatedBy(brokerKind)) return null;
  const run = await latestPreflight(db);
  if (!run) return { kind: 'never_ran', broker: brokerKind };
  if (run.level !== 'fail') return null;
  return { kind: 'failed', broker: brokerKind, run, failing: run.results.filter((r) => r.level === 'fail') };
}

/**
 * The block as one line for a record that keeps an error text (the order
 * path closes a blocked approval `not_placed` with it): the failing checks
 * and what to run after fixing them.
 */
export function preflightBlockLine(b: PreflightBlock): string {
  const how = 'run /preflight or `courtside preflight` after fixing';
  if (b.kind === 'never_ran') return `new entries are blocked (BROKER=${b.broker}): no preflight has passed yet; ${how}`;
  const names = b.failing.map((f) => `${f.title} (${f.saw})`).join('; ');
  return `new entries are blocked (BROKER=${b.broker}): the last preflight (${b.run.by}) failed — ${names}; ${how}`;
}

function failedDetail(run: RecordedPreflight, broker: string): PreflightFailedDetail {
  const failing = run.results.filter((r) => r.level === 'fail');
  return {
    code: 'preflight.failed',
    broker,
    blocksEntries: entriesGatedBy(broker),
    at: run.at,
    by: run.by,
    failCount: failing.length,
    failing: failing.slice(0, PREFLIGHT_FAILS_KEPT).map((f) => ({ id: f.id, title: f.title, saw: cut(f.saw), fix: f.fix === null ? null : cut(f.fix) })),
  };
}

function cut(t: string): string {
  return t.length > 300 ? `${t.slice(0, 300)}…` : t;
}
