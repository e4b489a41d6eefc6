/**
 * How a finishing scan sizes each source (issue 14, item 7): LIVE hypotheses by half-Kelly from
 * their own shadow book; the Kobe strategies keep the fixed policy unless KOBE_SIZING=kelly, where
 * they have no closed trades in R (no store yet), so Kelly has no estimate and risks 0.25 %. A full
 * scan runs the LIVE hypotheses; a scan narrowed to one Kobe strategy does not.
 */
import { describe, expect, it } from 'vitest';
import type { Signal } from '../../../../src/engine/signal.js';
import { scansHypotheses, sizeSignals } from '../../../../src/trading/scan/scan-run.js';
import type { LiveHypothesis } from '../../../../src/trading/hypotheses/live-source.js';

const SIZING = { equity: 100_000, riskFraction: 0.005, maxPositionFraction: 0.1 };
const ACCOUNT = { cashAvailable: 100_000, sessionRiskUsed: 0 };
const kobe: Signal = { symbol: 'AAA', strategy: 'donchian', index: 1, date: '2026-12-03', close: 20, stop: 19, target: null, atr: 0.5, timeStopBars: 5, score: 1, reasons: [] };
const hyp: Signal = { ...kobe, strategy: 'hyp:h1' };
const live: LiveHypothesis = { id: 'h1', family: 'rsi_oversold', params: {}, exits: { atrPeriod: 14, stopAtr: 2, timeStopBars: 5, targetAtr: null }, closedR: [...Array(20).fill(2), ...Array(20).fill(-1)], openNotional: 0 };

describe('sizeSignals', () => {
  it('Kobe strategies keep the fixed policy by default; a LIVE hypothesis sizes by half-Kelly', () => {
    const [k, h] = sizeSignals([kobe, hyp], new Map([['h1', live]]), { sizing: SIZING }, ACCOUNT);
    // 0.5 % of 100k = 500 ÷ 1 = 500 sh; position cap 10k ÷ 20 = 500 sh.
    expect(k!.source.sizing.method).toBe('fixed');
    expect(k!.source.qty).toBe(500);
    // Its edge puts it at the 1 % cap: 1,000 ÷ 1 = 1000 sh, then the 10 % position cap: 500.
    expect(h!.source.sizing).toMatchObject({ method: 'kelly', rule: 'cap_1pct', boundBy: 'position_pct' });
    expect(h!.source.family).toBe('rsi_oversold');
  });

  it('KOBE_SIZING=kelly: a Kobe strategy has no estimate and risks 0.25 %', () => {
    const [k] = sizeSignals([kobe], new Map(), { sizing: SIZING, kobeSizing: 'kelly' }, ACCOUNT);
    expect(k!.source.sizing).toMatchObject({ method: 'kelly', rule: 'no_estimate', riskFraction: 0.0025, n: 0 });
    expect(k!.source.qty).toBe(250);
  });

  it('a hypothesis signal whose hypothesis is not LIVE now is dropped', () => {
    expect(sizeSignals([hyp], new Map(), { sizing: SIZING }, ACCOUNT)).toEqual([]);
  });
});

describe('scansHypotheses', () => {
  it('a full scan runs the LIVE hypotheses; one narrowed to a single Kobe strategy does not', () => {
    expect(scansHypotheses(['donchian', 'turtle_soup'], ['donchian', 'turtle_soup'])).toBe(true);
    expect(scansHypotheses(['donchian'], ['donchian', 'turtle_soup'])).toBe(false);
  });
});
