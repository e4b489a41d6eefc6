import { describe, expect, it } from 'vitest';
import { journalPageText } from '../../../../src/bot/views/journal-view.js';
import type { JournalEntry } from '../../../../src/trading/journal/read.js';

const entry = (at: string, symbol: string): JournalEntry => ({
  ref: 'd1',
  at,
  action: 'card.posted',
  symbol,
  session: '2026-12-04',
  source: 'donchian',
  pickId: 'pabc',
  auditSeq: 7,
  inputs: {},
});

describe('journalPageText', () => {
  it('names the day once: after a title without it, not again after one that names it', () => {
    const e = [entry('2026-12-04T16:00:00Z', 'XLK')];
    expect(journalPageText('XLK', e, 0, false, null).split('\n')[0]).toBe('📓 Journal — XLK, newest first (2026-12-04):');
    expect(journalPageText('today (2026-12-04)', e, 0, false, null).split('\n')[0]).toBe('📓 Journal — today (2026-12-04), newest first:');
  });

  it('says when nothing is recorded, or nothing older', () => {
    expect(journalPageText('XLK', [], 0, false, null)).toBe('📓 Journal — XLK: no decisions recorded.');
    expect(journalPageText('XLK', [], 10, false, null)).toBe('📓 Journal — XLK: no older decisions.');
  });
});
