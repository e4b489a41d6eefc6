import type { BacktestNote, SymbolPreview } from '../../trading/backtest/notes.js';

/**
 * A backtest note in words, as the chat summary, the text report and the
 * CLI show it. A face's wording: the report keeps only the code and its
 * figures (src/trading/backtest/notes.ts).
 */
export function backtestNoteText(note: BacktestNote): string {
  switch (note.code) {
    case 'demo_symbols':
      return `${note.demo} of ${note.of} symbols hold synthetic DEMO bars`;
    case 'demo_benchmark':
      return `the ${note.symbol} benchmark is synthetic DEMO data`;
    case 'no_real_benchmark':
      if (note.demoOnly) return `no benchmark (only DEMO bars for ${note.symbol}; import its real bars to compare)`;
      return `no real ${note.symbol} bars: no benchmark (a synthetic one would prove nothing)`;
    case 'not_stored':
      return `no stored bars for ${symbolList(note)}`;
    case 'store_empty':
      return 'the bars store is empty';
    case 'no_real_bars':
      return `no real bars for ${symbolList(note)}: using synthetic DEMO data for every symbol`;
    case 'no_stored_universe':
      return 'no stored universe: using the synthetic DEMO universe';
    case 'universe_not_stored':
      return 'no stored bars for this universe: using synthetic DEMO bars';
    case 'monte_carlo_no_trades':
      return 'Monte Carlo skipped: no trades to resample';
    case 'recorded':
      return note.recorded;
  }
}

/** "GL, SPY" or "A, B, C, D, E and 3 more". */
function symbolList(p: SymbolPreview): string {
  const listed = p.symbols.join(', ');
  return p.more > 0 ? `${listed} and ${p.more} more` : listed;
}
