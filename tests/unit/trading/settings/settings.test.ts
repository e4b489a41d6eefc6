import { describe, expect, it } from 'vitest';
import { settingsCommand } from '../../../../src/bot/commands/settings.js';
import { effectiveSettings, NOTIFY_KINDS, NOTIFY_MODES } from '../../../../src/trading/settings/schema.js';
import { parseSettingsArg, settingsArg, settingsKeyboard, settingsView } from '../../../../src/bot/views/settings-view.js';

describe('effectiveSettings', () => {
  it('defaults to on for everything', () => {
    for (const v of [undefined, null, {}, 'junk', 3, [], { notify: null }, { notify: 'x' }]) expect(effectiveSettings(v)).toEqual({ digest: 'on', fills: 'on', review: 'on' });
  });
  it('reads valid modes and ignores invalid ones per key', () => {
    expect(effectiveSettings({ notify: { digest: 'silent', fills: 'off' } })).toEqual({ digest: 'silent', fills: 'off', review: 'on' });
    expect(effectiveSettings({ notify: { digest: 'LOUD', fills: 'off' }, other: true })).toEqual({ digest: 'on', fills: 'off', review: 'on' });
  });
});

describe('settings buttons', () => {
  it('every kind × mode round-trips and fits the callback argument alphabet and length', () => {
    for (const k of NOTIFY_KINDS) {
      for (const m of NOTIFY_MODES) {
        const arg = settingsArg(k, m);
        expect(arg).toMatch(/^[A-Za-z0-9_-]{0,24}$/);
        expect(parseSettingsArg(arg)).toEqual({ kind: k, mode: m });
      }
    }
    for (const bad of ['', 'digest', 'digest-', 'digest-loud', 'email-on', 'digest-on-on', 'Digest-On']) expect(parseSettingsArg(bad)).toBeNull();
  });

  it('one row per setting, the current mode ticked', () => {
    const kb = settingsKeyboard({ digest: 'off', fills: 'silent', review: 'on' }, (a) => `x.${a}`);
    expect(kb.map((r) => r.map((b) => b.text))).toEqual([
      ['Digests on', 'Digests silent', '✓ Digests off'],
      ['Fills on', '✓ Fills silent', 'Fills off'],
      ['✓ Weekly review on', 'Weekly review silent', 'Weekly review off'],
    ]);
    expect(kb.flat().map((b) => b.callback_data)).toEqual(NOTIFY_KINDS.flatMap((k) => NOTIFY_MODES.map((m) => `x.${k}-${m}`)));
  });

  it('the view states each setting and what the modes mean', () => {
    const t = settingsView({ digest: 'off', fills: 'silent', review: 'on' }).text;
    expect(t).toContain('🚫 Digests: off — morning and close summaries');
    expect(t).toContain('🔕 Fills: silent — each order fill');
    expect(t).toContain('Silent = delivered without sound');
  });
});

describe('/settings arguments', () => {
  const parse = (tokens: string[]) => settingsCommand.args.safeParse({ tokens, text: tokens.join(' ') });
  it('nothing shows; a setting and a mode changes', () => {
    expect(parse([])).toMatchObject({ success: true, data: { set: null } });
    expect(parse(['Digest', 'SILENT'])).toMatchObject({ success: true, data: { set: { kind: 'digest', mode: 'silent' } } });
    expect(parse(['fills', 'off'])).toMatchObject({ success: true, data: { set: { kind: 'fills', mode: 'off' } } });
  });
  it('anything else is refused', () => {
    for (const t of [['digest'], ['digest', 'loud'], ['sms', 'on'], ['digest', 'on', 'now']]) expect(parse(t).success).toBe(false);
  });
});
