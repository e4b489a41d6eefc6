import type { Bar } from '../../../engine/bars.js';
import { isIsoDate, isWeekend, weekdaysBetween } from '../../../lib/dates.js';

export type QualityIssueKind =
  | 'bad_date'
  | 'non_positive'
  | 'ohlc_inconsistent'
  | 'zero_volume'
  | 'duplicate'
  | 'absurd_move'
  | 'gap'
  | 'stale';

export interface QualityIssue {
  /** Date of the offending bar (for `stale`, the last bar's date or `asOf`). */
  date: string;
  kind: QualityIssueKind;
  detail: string;
  /** True when the bar was left out of `clean`. */
  dropped: boolean;
}

export interface QualityReport {
  symbol: string;
  /** True when no issue of any kind was found. */
  ok: boolean;
  /** Bars received. */
  total: number;
  issues: QualityIssue[];
  /** Bars that passed, sorted by date, one per date. Only these may be used. */
  clean: Bar[];
}

export interface CheckBarsOptions {
  /** The date the data should be current as of (usually today, New York). Enables `stale` and future-date checks. */
  asOf?: string;
  /** A close-to-close move larger than this (percent) is `absurd_move`. Default 50. */
  maxMovePct?: number;
  /** More missing weekdays than this between two bars is a `gap`. Default 2. */
  maxGapWeekdays?: number;
  /** More weekdays than this after the last bar up to `asOf` is `stale`. Default 3. */
  maxStaleWeekdays?: number;
}

// Rounding in vendor files can put high a hair under close; don't call that broken.
const EPS = 1e-9;

/**
 * Checks daily bars for problems that would corrupt signals and reports each
 * one. Broken rows are dropped from `clean`, never repaired or used:
 *
 * - `bad_date` (not YYYY-MM-DD, or after `asOf`: a future bar is look-ahead),
 *   `non_positive` (price ≤ 0, NaN, negative volume), `ohlc_inconsistent`
 *   (high below open/close/low, or low above them), `zero_volume` (no trades:
 *   the OHLC is a copied placeholder): dropped.
 * - `duplicate`: identical repeats are dropped keeping one; if the copies
 *   disagree there is no way to know which is right, so all are dropped.
 * - `absurd_move`: close moved more than `maxMovePct` from the previous close.
 *   A spike that reverts on the next bar is a bad print and is dropped; a move
 *   that holds (a real event, or an unadjusted split) is kept and reported.
 * - `gap`: more than `maxGapWeekdays` weekdays missing between the dates the
 *   source sent (holes from rows dropped here are not re-reported). There is
 *   no holiday calendar here, so the heuristic counts Monday–Friday days only.
 *   Holidays close US exchanges one weekday at a time, and since the four-day
 *   9/11 closure in 2001 no emergency has closed them for more than two
 *   (Hurricane Sandy, 2012), so three or more missing weekdays in recent data
 *   means missing data. Reported, not dropped.
 * - `stale`: the last bar is more than `maxStaleWeekdays` weekdays before `asOf`.
 */
export function checkBars(symbol: string, bars: readonly Bar[], opts: CheckBarsOptions = {}): QualityReport {
  const maxMove = (opts.maxMovePct ?? 50) / 100;
  const maxGap = opts.maxGapWeekdays ?? 2;
  const maxStale = opts.maxStaleWeekdays ?? 3;
  const asOf = opts.asOf;
  const issues: QualityIssue[] = [];
  const drop = (date: string, kind: QualityIssueKind, detail: string) => issues.push({ date, kind, detail, dropped: true });

  // 1. Row-level checks.
  const valid: Bar[] = [];
  const datesPresent = new Set<string>();
  for (const b of bars) {
    if (typeof b.date !== 'string' || !isIsoDate(b.date)) {
      drop(String(b.date), 'bad_date', `date "${String(b.date).slice(0, 30)}" is not YYYY-MM-DD`);
      continue;
    }
    if (asOf !== undefined && b.date > asOf) {
      drop(b.date, 'bad_date', `bar is after asOf ${asOf}`);
      continue;
    }
    datesPresent.add(b.date);
    const bad = nonPositive(b);
    if (bad) {
      drop(b.date, 'non_positive', bad);
      continue;
    }
    const incon = inconsistent(b);
    if (incon) {
      drop(b.date, 'ohlc_inconsistent', incon);
      continue;
    }
    if (b.volume === 0) {
      drop(b.date, 'zero_volume', 'volume is 0 (no trades; prices are placeholders)');
      continue;
    }
    valid.push(b);
  }

  // 2. Duplicates.
  valid.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const unique: Bar[] = [];
  for (let i = 0; i < valid.length; ) {
    let j = i + 1;
    while (j < valid.length && valid[j]!.date === valid[i]!.date) j++;
    const first = valid[i]!;
    if (j - i > 1) {
      const copies = valid.slice(i, j);
      const agree = copies.every((c) => sameBar(c, first));
      if (agree) {
        drop(first.date, 'duplicate', `${j - i} identical rows; kept one`);
        unique.push(first);
      } else {
        drop(first.date, 'duplicate', `${j - i} rows disagree (closes ${copies.map((c) => c.close).join(' / ')}); all dropped`);
      }
    } else {
      unique.push(first);
    }
    i = j;
  }

  // 3. Absurd moves, comparing each bar to the last bar kept.
  const clean: Bar[] = [];
  for (let i = 0; i < unique.length; i++) {
    const b = unique[i]!;
    const prev = clean[clean.length - 1];
    if (prev) {
      const move = b.close / prev.close - 1;
      if (Math.abs(move) > maxMove) {
        const next = unique[i + 1];
        const reverts = next !== undefined && Math.abs(next.close / prev.close - 1) <= maxMove / 2;
        const detail = `close ${fmt(prev.close)} → ${fmt(b.close)} (${move > 0 ? '+' : ''}${(move * 100).toFixed(1)}%)`;
        if (reverts) {
          drop(b.date, 'absurd_move', `${detail} and back next bar: bad print`);
          continue;
        }
        issues.push({
          date: b.date,
          kind: 'absurd_move',
          detail: `${detail} and it holds: confirm the event, or use split-adjusted data`,
          dropped: false,
        });
      }
    }
    clean.push(b);
  }

  // 4. Gaps in the dates the source sent. Holes left by bars dropped above
  // are already reported once, under their own kind.
  const dates = [...datesPresent].sort();
  for (let i = 1; i < dates.length; i++) {
    const a = dates[i - 1]!;
    const b = dates[i]!;
    const missing = weekdaysBetween(a, b);
    if (missing > maxGap) {
      issues.push({ date: b, kind: 'gap', detail: `${missing} weekdays missing after ${a}`, dropped: false });
    }
  }

  // 5. Staleness.
  if (asOf !== undefined) {
    const last = clean[clean.length - 1];
    if (!last) {
      issues.push({ date: asOf, kind: 'stale', detail: 'no usable bars', dropped: false });
    } else {
      // weekdaysBetween is exclusive of both ends; asOf itself counts when it is a weekday.
      const behind = weekdaysBetween(last.date, asOf) + (!isWeekend(asOf) && asOf > last.date ? 1 : 0);
      if (behind > maxStale) {
        issues.push({ date: last.date, kind: 'stale', detail: `last bar is ${behind} weekdays before ${asOf}`, dropped: false });
      }
    }
  }

  issues.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
  return { symbol, ok: issues.length === 0, total: bars.length, issues, clean };
}

function nonPositive(b: Bar): string | undefined {
  for (const k of ['open', 'high', 'low', 'close'] as const) {
    const v = b[k];
    if (!Number.isFinite(v) || v <= 0) return `${k} is ${v}`;
  }
  if (!Number.isFinite(b.volume) || b.volume < 0) return `volume is ${b.volume}`;
  return undefined;
}

function inconsistent(b: Bar): string | undefined {
  const tol = EPS * b.high;
  if (b.high + tol < Math.max(b.open, b.close, b.low)) {
    return `high ${fmt(b.high)} is below ${b.high + tol < b.low ? `low ${fmt(b.low)}` : `max(open, close) ${fmt(Math.max(b.open, b.close))}`}`;
  }
  if (b.low - tol > Math.min(b.open, b.close)) return `low ${fmt(b.low)} is above min(open, close) ${fmt(Math.min(b.open, b.close))}`;
  return undefined;
}

function sameBar(a: Bar, b: Bar): boolean {
  return a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close && a.volume === b.volume;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(v >= 1 ? 2 : 4);
}
