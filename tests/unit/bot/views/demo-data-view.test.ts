import { describe, expect, it } from 'vitest';
import { demoRegeneratedText } from '../../../../src/bot/views/demo-data-view.js';

describe('the "DEMO data regenerated" announcement', () => {
  it('says nothing about removals when none happened', () => {
    expect(demoRegeneratedText({ stored: null, current: 2 })).toBe(
      'DEMO data regenerated: generator v1 → v2 (bars only on exchange sessions; holidays removed); real bars untouched.',
    );
  });

  it('names the DEMO symbols removed because they left the universe (the first five, then a count)', () => {
    expect(demoRegeneratedText({ stored: 1, current: 2 }, ['AMD', 'NVDA'])).toBe(
      'DEMO data regenerated: generator v1 → v2 (bars only on exchange sessions; holidays removed); 2 DEMO symbols no longer in the universe removed (AMD, NVDA); real bars untouched.',
    );
    expect(demoRegeneratedText({ stored: 1, current: 2 }, ['A', 'B', 'C', 'D', 'E', 'F', 'G'])).toMatch(/; 7 DEMO symbols no longer in the universe removed \(A, B, C, D, E and 2 more\); real bars untouched\.$/);
  });
});
