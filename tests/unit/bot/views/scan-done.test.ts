import { describe, expect, it } from 'vitest';
import { scanDoneText } from '../../../../src/bot/views/scan-messages.js';

const base = { asOf: '2026-12-14', demo: false, evaluated: 40, skipped: 0, signals: 5, byStrategy: [{ strategy: 'donchian' as const, signals: 5 }] };
const text = (shown: number, held?: number) => scanDoneText({ ...base, shown, ...(held === undefined ? {} : { held }) }).text;

describe('the scan summary says what comes below it', () => {
  it('counts only new cards as "below"; held top picks are said apart', () => {
    expect(text(5)).toContain('Top 5 below. /picks lists all.');
    expect(text(2, 3)).toContain('2 new below; 3 already shown or decided (listed below, no new card).');
    expect(text(0, 3)).toContain('No new picks: 3 already shown or decided');
    expect(text(0, 3)).not.toContain('No trade ideas today');
    expect(text(0, 0)).toContain('No trade ideas today.');
  });
});
