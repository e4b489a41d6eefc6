/**
 * Builders on top of telegraf/format for replies the bot sends often.
 */
import { FmtString, join } from 'telegraf/format';
import type { MessageEntity } from 'telegraf/types';

export type Cell = string | number;

export interface TableOptions {
  /** Underline the first row (default true). */
  readonly header?: boolean;
  /** Per-column alignment; default: right for numeric-looking columns, left otherwise. */
  readonly align?: readonly ('left' | 'right')[];
  /**
   * Monospace columns a phone shows without wrapping in portrait (default 34).
   * Wider tables get single-space column gaps instead of two.
   */
  readonly maxWidth?: number;
}

export const PHONE_PRE_WIDTH = 34;

/** "+$1,234.50", "-2.5%", "12", "—" (missing) all count as numeric for alignment. */
const NUMERIC = /^(?:[+-]?[$€£¥]?\d[\d,]*(?:\.\d+)?%?|—)$/;

/**
 * Rows as a `pre` block with aligned columns, e.g. positions or a backtest
 * summary. Width is counted in code points, so CJK and emoji cells (two
 * columns wide in most fonts) will misalign; keep cells to Latin text.
 */
export function table(rows: readonly (readonly Cell[])[], options: TableOptions = {}): FmtString {
  const header = options.header ?? true;
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? String(c) : c).replace(/\s+/g, ' ')));
  const cols = Math.max(0, ...cells.map((r) => r.length));
  if (cols === 0) return new FmtString('');
  const width = (s: string) => [...s].length;
  const widths = Array.from({ length: cols }, (_, c) => Math.max(...cells.map((r) => width(r[c] ?? ''))));
  const body = header ? cells.slice(1) : cells;
  const align = Array.from({ length: cols }, (_, c) => {
    const given = options.align?.[c];
    if (given) return given;
    const values = body.map((r) => r[c] ?? '').filter((v) => v !== '');
    return values.length > 0 && values.every((v) => NUMERIC.test(v)) ? 'right' : 'left';
  });
  const natural = widths.reduce((a, b) => a + b, 0) + 2 * (cols - 1);
  const gap = natural <= (options.maxWidth ?? PHONE_PRE_WIDTH) ? '  ' : ' ';
  const pad = (s: string, c: number) => {
    const fill = ' '.repeat(widths[c]! - width(s));
    return align[c] === 'right' ? fill + s : s + fill;
  };
  const line = (r: readonly string[]) =>
    widths
      .map((_, c) => pad(r[c] ?? '', c))
      .join(gap)
      .trimEnd();
  const lines = cells.map(line);
  if (header && lines.length > 1) lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join(gap));
  const text = lines.join('\n');
  // Built directly: telegraf's pre() always sets `language`, and "" is not a language.
  const pre: MessageEntity = { type: 'pre', offset: 0, length: text.length };
  return new FmtString(text, text ? [pre] : undefined);
}

/** Joins parts with newlines, keeping their entities (telegraf `join` with "\n"). */
export function lines(...parts: readonly (FmtString | string)[]): FmtString {
  return join(parts, '\n');
}
