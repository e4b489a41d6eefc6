import { describe, expect, it } from 'vitest';
import { backtestCommand } from '../../../../src/cli/commands/backtest.js';
import { monteCarlo } from '../../../../src/engine/backtest/index.js';

async function run(args: string[]): Promise<Record<string, any>> {
  let out = '';
  const code = await backtestCommand.run(args, { stdout: (t) => (out += t), stderr: () => undefined });
  expect(code).toBe(0);
  return JSON.parse(out) as Record<string, any>;
}

/** Monte Carlo resamples each trade's effect on the account, so tiny positions make tiny spreads. */
describe('backtest Monte Carlo input', () => {
  it('uses P&L relative to account equity, not the return on the position', async () => {
    const common = ['--strategy', 'donchian', '--csv', 'data/ohlcv/SPY.csv', '--json', '--no-store', '--monte-carlo', '2000', '--seed', '7', '--slippage-bps', '0'];
    const small = await run([...common, '--sizing', 'shares:1', '--initial-cash', '100000']);
    const trades = small.trades as { pnl: number; pnlPct: number }[];
    expect(trades.length).toBeGreaterThan(50);
    // One share of SPY per trade on a $100k account moves equity by well under 1% per trade.
    expect(small.monteCarlo.finalEquity.p5).toBeGreaterThan(0.95);
    expect(small.monteCarlo.finalEquity.p95).toBeLessThan(1.05);
    // Resampling the per-position returns instead would spread far wider: the bug this guards against.
    const positionBased = monteCarlo(trades.map((t) => t.pnlPct), { runs: 2000, seed: 7 });
    expect(positionBased.finalEquity.p95 - positionBased.finalEquity.p5).toBeGreaterThan(5 * (small.monteCarlo.finalEquity.p95 - small.monteCarlo.finalEquity.p5));
  });
});
