import { describe, expect, it } from 'vitest';
import { backtestNoteText } from '../../../../src/bot/views/backtest-notes.js';
import { summaryMessage } from '../../../../src/bot/views/backtest-messages.js';
import { formatTextReport } from '../../../../src/bot/views/backtest-text-report.js';
import { backtestData } from '../../../../src/trading/backtest/data.js';
import { storedNotes, symbolPreview, type BacktestNote, type BacktestNoteCode } from '../../../../src/trading/backtest/notes.js';
import { buildRequest } from '../../../../src/trading/backtest/request.js';
import { runBacktest } from '../../../../src/trading/backtest/run.js';
import { loadFixture } from '../../engine/fixtures.js';

/** One note per code and its words: a Record, so a new code without a case here does not compile. */
const WORDS: Record<BacktestNoteCode, [BacktestNote, string][]> = {
  demo_symbols: [[{ code: 'demo_symbols', demo: 1, of: 2 }, '1 of 2 symbols hold synthetic DEMO bars']],
  demo_benchmark: [[{ code: 'demo_benchmark', symbol: 'SPY' }, 'the SPY benchmark is synthetic DEMO data']],
  no_real_benchmark: [[{ code: 'no_real_benchmark', symbol: 'SPY' }, 'no real SPY bars: no benchmark (a synthetic one would prove nothing)']],
  not_stored: [
    [{ code: 'not_stored', symbols: ['RVLV'], more: 0 }, 'no stored bars for RVLV'],
    [{ code: 'not_stored', ...symbolPreview(['A', 'B', 'C', 'D', 'E', 'F', 'G']) }, 'no stored bars for A, B, C, D, E and 2 more'],
  ],
  store_empty: [[{ code: 'store_empty' }, 'the bars store is empty']],
  no_real_bars: [
    [{ code: 'no_real_bars', symbols: ['QQQ'], more: 0 }, 'no real bars for QQQ: using synthetic DEMO data for every symbol'],
    [{ code: 'no_real_bars', symbols: ['GL', 'SPY'], more: 0 }, 'no real bars for GL, SPY: using synthetic DEMO data for every symbol'],
    [{ code: 'no_real_bars', ...symbolPreview(['A', 'B', 'C', 'D', 'E', 'F']) }, 'no real bars for A, B, C, D, E and 1 more: using synthetic DEMO data for every symbol'],
  ],
  no_stored_universe: [[{ code: 'no_stored_universe' }, 'no stored universe: using the synthetic DEMO universe']],
  universe_not_stored: [[{ code: 'universe_not_stored' }, 'no stored bars for this universe: using synthetic DEMO bars']],
  monte_carlo_no_trades: [[{ code: 'monte_carlo_no_trades' }, 'Monte Carlo skipped: no trades to resample']],
  recorded: [[{ code: 'recorded', recorded: 'the bars store was empty on Tuesday' }, 'the bars store was empty on Tuesday']],
};

describe('backtestNoteText', () => {
  it.each(Object.values(WORDS).flat())('%j → %s', (note, words) => {
    expect(backtestNoteText(note)).toBe(words);
  });

  it('a note of a report stored before notes were typed is shown verbatim', () => {
    const [old] = storedNotes(['3 of 10 symbols hold synthetic DEMO bars']);
    expect(backtestNoteText(old!)).toBe('3 of 10 symbols hold synthetic DEMO bars');
  });

  it('the chat summary and the text report word every note', async () => {
    const notes: BacktestNote[] = [{ code: 'demo_symbols', demo: 1, of: 3 }, ...storedNotes(['an old note, in its words'])];
    const request = buildRequest({ strategies: ['donchian'], symbols: ['GL', 'RVLV', 'SPY'] });
    const out = await runBacktest(request, backtestData(['GL', 'RVLV', 'SPY'].map(loadFixture), { source: 'bars-store', demo: true, benchmarkSymbol: 'SPY', notes }));
    const chat = summaryMessage(out.report, { id: '12345678-aaaa', reused: false }).text;
    expect(chat).toContain('ℹ️ 1 of 3 symbols hold synthetic DEMO bars\nℹ️ an old note, in its words\n');
    const text = formatTextReport(out.report, out.trades, { maxTrades: 0 });
    expect(text).toContain('Note: 1 of 3 symbols hold synthetic DEMO bars\nNote: an old note, in its words\n');
    expect(text).not.toContain('[object Object]');
  });
});
