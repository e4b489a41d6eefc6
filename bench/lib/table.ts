/**
 * The one output format of every benchmark: a titled table of figures, printed as an aligned
 * Markdown table (readable in a terminal, pasteable into an issue or PR).
 */

export type Cell = string | number | null | undefined;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
  /** Lines printed under the table (method, caveats, configuration). */
  notes?: string[];
}

/** A target beside a measured value: its label (e.g. "< 15 ms") and the test. */
export interface Target {
  label: string;
  met(value: number): boolean;
}

export const below = (limit: number, unit = ''): Target => ({ label: `< ${limit}${unit ? ` ${unit}` : ''}`, met: (v) => v < limit });
export const atLeast = (limit: number, unit = ''): Target => ({ label: `≥ ${limit}${unit ? ` ${unit}` : ''}`, met: (v) => v >= limit });

/** ✓ when the target is met, ✗ when missed, blank when there is no target or no value. */
export function mark(value: number | null | undefined, target: Target | undefined): string {
  if (!target || value === null || value === undefined || !Number.isFinite(value)) return '';
  return target.met(value) ? '✓' : '✗';
}

/** Milliseconds with sensible precision. */
export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  if (v < 10) return `${v.toFixed(2)} ms`;
  if (v < 100) return `${v.toFixed(1)} ms`;
  return `${Math.round(v)} ms`;
}

export function num(v: number | null | undefined, digits = 0): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function pct(v: number | null | undefined, digits = 0): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  return `${(v * 100).toFixed(digits)} %`;
}

const width = (s: string): number => [...s].length;
const isNumeric = (s: string): boolean => /^[-+≥<>~]?\s*[\d.,]+(\s*[a-zµ%/]+)*$/i.test(s.trim()) || s === 'n/a';

/** Renders a table as aligned Markdown; numeric-looking columns are right-aligned. */
export function renderTable(t: Table): string {
  const text = (c: Cell): string => (c === null || c === undefined ? '' : typeof c === 'number' ? num(c, Number.isInteger(c) ? 0 : 2) : c).replace(/\|/g, '\\|');
  const body = t.rows.map((r) => t.columns.map((_, i) => text(r[i])));
  const widths = t.columns.map((h, i) => Math.max(width(h), 3, ...body.map((r) => width(r[i]!))));
  const right = t.columns.map((_, i) => body.length > 0 && body.every((r) => r[i] === '' || isNumeric(r[i]!)) && body.some((r) => r[i] !== ''));
  const pad = (s: string, i: number) => (right[i] ? ' '.repeat(widths[i]! - width(s)) + s : s + ' '.repeat(widths[i]! - width(s)));
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const out = [`### ${t.title}`, '', line(t.columns), `|${widths.map((w, i) => (right[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`, ...body.map(line)];
  if (t.notes?.length) out.push('', ...t.notes.map((n) => `- ${n}`));
  return out.join('\n');
}
