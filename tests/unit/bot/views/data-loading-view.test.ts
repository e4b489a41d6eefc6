import { describe, expect, it } from 'vitest';
import { scanNotReadyText } from '../../../../src/bot/views/data-loading-view.js';

describe('the "still loading" answer', () => {
  it('before the seed knows its plan (0 of 0) it says "just started", not "0 of 0 symbols stored"', () => {
    const text = scanNotReadyText({ kind: 'scan.not-ready', reason: 'seeding', progress: { startedAt: 1, at: 1, done: 0, total: 0 }, secondsLeft: null });
    expect(text).toBe('⏳ The market data is still loading, just started. Nothing was scanned; send /scan again once it is loaded.');
  });

  it('names the command that could not start: a /backtest is told to send /backtest again', () => {
    const text = scanNotReadyText({ kind: 'scan.not-ready', reason: 'seeding', command: 'backtest', progress: { startedAt: 0, at: 30_000, done: 300, total: 900 }, secondsLeft: 60 });
    expect(text).toBe('⏳ The market data is still loading: 300 of 900 symbols stored, about 60 s left. Nothing was backtested; send /backtest again once it is loaded.');
  });
});
