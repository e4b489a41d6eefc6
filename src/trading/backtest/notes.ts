/**
 * Symbols a note names: the first few, and how many more there are. Notes
 * name at most {@link NOTE_PREVIEW_SYMBOLS} symbols so a universe with
 * hundreds of missing symbols still fits a chat message; the count keeps
 * the rest visible.
 */
export interface SymbolPreview {
  /** The first symbols, in the order they were found. */
  symbols: string[];
  /** How many symbols beyond `symbols` (0 when all are listed). */
  more: number;
}

/** How many symbols a note lists before it only counts the rest. */
export const NOTE_PREVIEW_SYMBOLS = 5;

/**
 * Something the user should know about a backtest's data or run
 * (substitutions, missing symbols, skipped steps), as a code with its
 * figures. Stored in the report (`backtest_runs.report`), not chat text:
 * each face words it itself (src/bot/views/backtest-notes.ts).
 */
export type BacktestNote =
  /** Some (not all) traded symbols hold synthetic DEMO bars in the bars store: `demo` of `of`. */
  | { code: 'demo_symbols'; demo: number; of: number }
  /** The benchmark's stored bars are synthetic DEMO bars while some traded symbols are real (reports stored before the benchmark was always real). */
  | { code: 'demo_benchmark'; symbol: string }
  /** No real bars of the benchmark symbol (stored or sample CSV): the run has no benchmark, as a synthetic one would mislead. */
  /**
   * `demoOnly` (KR runs): the symbol IS stored, but as DEMO bars only, so the run has no benchmark
   * (never a synthetic one shown as real). Absent on US notes, which read as they always have.
   */
  | { code: 'no_real_benchmark'; symbol: string; demoOnly?: true }
  /** The bars store lacks these requested symbols (the run fell back to sample CSVs or DEMO data). */
  | ({ code: 'not_stored' } & SymbolPreview)
  /** A named universe was asked for and the bars store holds nothing. */
  | { code: 'store_empty' }
  /** No real bars (store or sample CSVs) for these symbols: every symbol ran on synthetic DEMO data (reports stored before symbols were resolved one by one). */
  | ({ code: 'no_real_bars' } & SymbolPreview)
  /** A named universe was asked for and none is stored: the synthetic DEMO universe is used. */
  | { code: 'no_stored_universe' }
  /** A universe file's symbols are not (all) in the bars store: they run on synthetic DEMO bars. */
  | { code: 'universe_not_stored' }
  /** Monte Carlo was asked for but the run made no trades to resample. */
  | { code: 'monte_carlo_no_trades' }
  /** A note of a report stored before notes were typed: its stored English, verbatim. */
  | { code: 'recorded'; recorded: string };

export type BacktestNoteCode = BacktestNote['code'];

/** The first {@link NOTE_PREVIEW_SYMBOLS} of `list` and the count of the rest. */
export function symbolPreview(list: readonly string[], max = NOTE_PREVIEW_SYMBOLS): SymbolPreview {
  return list.length <= max ? { symbols: [...list], more: 0 } : { symbols: list.slice(0, max), more: list.length - max };
}

/**
 * Notes as read from a stored report. Reports stored before notes were
 * typed hold English strings; those become `recorded` notes (shown
 * verbatim). Typed notes are returned as they are, so a stored report
 * still serialises byte for byte like the fresh one.
 */
export function storedNotes(raw: unknown): BacktestNote[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((n: unknown) => (typeof n === 'string' ? { code: 'recorded', recorded: n } : (n as BacktestNote)));
}
