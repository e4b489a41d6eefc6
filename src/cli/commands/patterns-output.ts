import type { AnyPatternFamily, PatternWhy } from '../../engine/patterns/index.js';

/** One family as `courtside patterns --list --json` prints it. */
export interface PatternFamilyListing {
  id: string;
  title: string;
  summary: string;
  /** Valid `--param` keys with their types and defaults, as parse errors list them. */
  paramHelp: string;
  defaults: Readonly<object>;
}

/** One signal bar: the bar's date, its index in the series, its close and the family's figures. */
export interface PatternSignalRow {
  date: string;
  index: number;
  close: number;
  why: PatternWhy;
}

/** What `courtside patterns --csv FILE --family NAME --json` prints. */
export interface PatternSignalsReport {
  family: string;
  params: object;
  symbol: string;
  signals: PatternSignalRow[];
}

/** The listing of one registry family. */
export function familyListing(f: AnyPatternFamily): PatternFamilyListing {
  return { id: f.id, title: f.title, summary: f.summary, paramHelp: f.paramHelp, defaults: f.defaults };
}

/** `--list` as text: each family's id and title, its rule, and its params with defaults. */
export function formatFamilyList(families: readonly PatternFamilyListing[]): string {
  const blocks = families.map((f) => `${f.id} — ${f.title}\n  ${f.summary}\n  params: ${f.paramHelp || '(none)'}\n`);
  return `${families.length} pattern families (courtside patterns --csv FILE --family ID [--param k=v ...]):\n\n${blocks.join('\n')}`;
}

/** "k=v k=v" for a params object, in its key order. */
export function formatParams(params: object): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

/** A figure for the text table: integers as they are, other numbers to 4 decimals (JSON keeps full precision). */
function cell(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number(v.toFixed(4)).toString();
  return String(v);
}

/**
 * The signals as a text table: date, close, then every figure of the
 * family's `why` (its `family` tag and the close already shown are left out).
 */
export function formatSignalsTable(report: PatternSignalsReport, title: string, firstDate: string, lastDate: string): string {
  const head = `${report.signals.length} ${title} signals on ${report.symbol} (${firstDate} … ${lastDate}); params ${formatParams(report.params) || '(none)'}\n`;
  if (report.signals.length === 0) return head;
  const whyKeys = Object.keys(report.signals[0]!.why).filter((k) => k !== 'family' && k !== 'close');
  const header = ['date', 'close', ...whyKeys];
  const rows = report.signals.map((s) => [s.date, s.close.toFixed(2), ...whyKeys.map((k) => cell((s.why as unknown as Record<string, unknown>)[k]))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd() + '\n';
  return head + line(header) + rows.map(line).join('');
}
