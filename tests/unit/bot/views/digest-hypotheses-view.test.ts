import { describe, expect, it } from 'vitest';
import { equityChangeText, failedCheckText, hypothesesDigestLines } from '../../../../src/bot/views/digest-hypotheses-view.js';
import type { DigestShadowBook, DigestTransition, HypothesesDigest } from '../../../../src/trading/digest/hypotheses.js';

const AT = new Date('2026-03-10T21:00:00Z');
const t = (over: Partial<DigestTransition>): DigestTransition => ({ hypothesisId: 'h1', family: 'rsi2', market: 'US', from: 'INCUBATING', to: 'PAPER', event: 'incubation_passed', actor: 'incubator', at: AT, figure: { kind: 'none' }, ...over });
const book = (over: Partial<DigestShadowBook> = {}): DigestShadowBook => ({
  hypothesisId: 'hb',
  family: 'ibs',
  market: 'US',
  state: 'LIVE',
  snapshot: { session: '2026-03-09', sessions: 45, closedTrades: 23, openTrades: 2, sharpe: 1.1, maxDrawdown: 0.042, rollingSharpe: 0.9, startEquity: 100_000, endEquity: 101_234, demo: false },
  real: { closedTrades: 3, realizedPnl: 56.7 },
  ...over,
});

/** Parses "$1,234.50" / "+$1,234.50" / "-$3.00" back to a number. */
const dollars = (s: string): number => Number(s.replace(/[$,+]/g, ''));

describe('close digest: hypotheses section', () => {
  it('is left out when there is no data', () => {
    expect(hypothesesDigestLines(undefined)).toEqual([]);
  });

  it('equity change recomputes from the two equities shown (change = end − start, % = change / start)', () => {
    for (const [start, end] of [
      [100_000, 101_234],
      [100_000, 97_512.37],
      [50_000, 50_000],
    ] as const) {
      const m = /^equity (\$[\d,.]+) → (\$[\d,.]+) \(([+-]?\$[\d,.]+), ([+-]?[\d.]+)%\)$/.exec(equityChangeText(start, end));
      expect(m).not.toBeNull();
      const [s, e, c, p] = [dollars(m![1]!), dollars(m![2]!), dollars(m![3]!.replace('-$', '-')), Number(m![4])];
      expect(c).toBeCloseTo(e - s, 2);
      expect(p).toBeCloseTo(((e - s) / s) * 100, 2);
    }
  });

  it('a failed check shows the number and the limit so that the shown numbers fail the rule', () => {
    expect(failedCheckText({ rule: 'deflated_sharpe_too_low', actual: 0.412, op: '>=', limit: 0.95, pass: false })).toBe('DSR 0.412 (needs ≥ 0.950)');
    // 15.004 % vs a 15 % limit must not read "15.0%", which would pass.
    const dd = failedCheckText({ rule: 'paper_drawdown_over_limit', actual: 0.15004, op: '<=', limit: 0.15, pass: false });
    const shown = Number(/paper max DD ([\d.]+)%/.exec(dd)![1]);
    expect(shown).toBeGreaterThan(15);
    expect(failedCheckText({ rule: 'loss_streak', actual: 5, op: '<', limit: 5, pass: false })).toBe('losses in a row 5 (needs < 5)');
  });

  it('groups proposals, lists transitions with their figure and one line per shadow book with real fills beside LIVE', () => {
    const d: HypothesesDigest = {
      since: '2026-03-09',
      transitions: [
        t({ hypothesisId: 'hn1', from: null, to: 'INCUBATING', event: 'proposed' }),
        t({ hypothesisId: 'hn2', from: null, to: 'INCUBATING', event: 'proposed' }),
        t({ figure: { kind: 'incubation', oosTrades: 44, sharpe: 1.61, dsr: 0.97, failed: [], demo: true } }),
        t({ hypothesisId: 'h2', family: 'nr7', from: 'LIVE', to: 'PAPER', event: 'demote', figure: { kind: 'review', failed: [{ rule: 'loss_streak', actual: 5, op: '<', limit: 5, pass: false }], reasons: ['loss_streak'] } }),
        t({ hypothesisId: 'h3', from: 'PAPER', to: 'RETIRED', event: 'retire', figure: { kind: 'person', by: '42' } }),
      ],
      books: [book(), book({ hypothesisId: 'hp', state: 'PAPER', real: null, snapshot: null })],
    };
    const lines = hypothesesDigestLines(d);
    expect(lines[0]).toBe('🧪 Hypotheses since the Mon Mar 9 close');
    expect(lines).toContain('🆕 Proposed 2 (INCUBATING): hn1, hn2');
    expect(lines).toContain('• h1 rsi2 · INCUBATING → PAPER · OOS Sharpe 1.61 · DSR 0.970 · 44 OOS trades (DEMO data)');
    expect(lines).toContain('• h2 nr7 · LIVE → PAPER (demoted) · failed: losses in a row 5 (needs < 5)');
    expect(lines).toContain('• h3 rsi2 · PAPER → RETIRED (retired by hand) · by 42');
    expect(lines).toContain('📒 Shadow books (2)');
    expect(lines).toContain(
      '• hb ibs LIVE · 45 sessions · 23 closed, 2 open · Sharpe 1.10 · 60-session Sharpe 0.90 · max DD 4.2% · equity $100,000.00 → $101,234.00 (+$1,234.00, +1.23%) (as of Mon Mar 9) · real: 3 closed trades, P&L +$56.70',
    );
    expect(lines).toContain('• hp ibs PAPER · no shadow-book review yet');
  });

  it('says DEMO on a book built on synthetic bars', () => {
    const lines = hypothesesDigestLines({ since: '2026-03-09', transitions: [], books: [book({ snapshot: { ...book().snapshot!, demo: true } })] });
    expect(lines).toContain('No state changes.');
    expect(lines.some((l) => l.includes('· DEMO data'))).toBe(true);
  });
});
