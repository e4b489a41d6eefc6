import { describe, expect, it } from 'vitest';
import { effectiveSettings } from '../../../src/trading/settings/schema.js';
import { parseSettingsArg, settingsArg, settingsKeyboard, settingsView } from '../../../src/bot/views/settings-view.js';

describe('the weekly review setting', () => {
  it('defaults to on, and reads a stored mode', () => {
    expect(effectiveSettings({}).review).toBe('on');
    expect(effectiveSettings({ notify: { review: 'off' } }).review).toBe('off');
    expect(effectiveSettings({ notify: { review: 'loud' } }).review).toBe('on');
  });

  it('has its own row of buttons and a line in /settings', () => {
    expect(parseSettingsArg(settingsArg('review', 'off'))).toEqual({ kind: 'review', mode: 'off' });
    const kb = settingsKeyboard({ digest: 'on', fills: 'on', review: 'off' }, (a) => `x.${a}`);
    expect(kb[2]!.map((b) => [b.text, b.callback_data])).toEqual([
      ['Weekly review on', 'x.review-on'],
      ['Weekly review silent', 'x.review-silent'],
      ['✓ Weekly review off', 'x.review-off'],
    ]);
    expect(settingsView({ digest: 'on', fills: 'on', review: 'off' }).text).toContain("🚫 Weekly review: off — the week's summary after its last session");
  });
});
