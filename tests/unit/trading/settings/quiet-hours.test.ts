import { describe, expect, it } from 'vitest';
import { parseQuietArgs, settingsCommand } from '../../../../src/bot/commands/settings.js';
import { digestCommand, defaultDigestKind } from '../../../../src/bot/commands/digest.js';
import { settingsView } from '../../../../src/bot/views/settings-view.js';
import { isQuietAt, minutesInZone } from '../../../../src/trading/settings/quiet.js';
import { digestModeFor, effectiveDelivery } from '../../../../src/trading/settings/schema.js';
import { digestDeliveryJobId, digestSendSchema } from '../../../../src/jobs/payloads/digest.js';

const SEOUL_NIGHT = { from: '22:00', to: '07:00', zone: 'Asia/Seoul' };

describe('quiet hours', () => {
  it('a window across midnight holds late evening and early morning on its own clock, start in, end out', () => {
    const kst = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+09:00`);
    expect(isQuietAt(SEOUL_NIGHT, kst('2026-12-08', '06:15'))).toBe(true);
    expect(isQuietAt(SEOUL_NIGHT, kst('2026-12-07', '22:00'))).toBe(true);
    expect(isQuietAt(SEOUL_NIGHT, kst('2026-12-07', '23:59'))).toBe(true);
    expect(isQuietAt(SEOUL_NIGHT, kst('2026-12-08', '00:00'))).toBe(true);
    expect(isQuietAt(SEOUL_NIGHT, kst('2026-12-08', '07:00'))).toBe(false);
    expect(isQuietAt(SEOUL_NIGHT, kst('2026-12-08', '21:59'))).toBe(false);
    expect(isQuietAt(SEOUL_NIGHT, kst('2026-12-08', '12:00'))).toBe(false);
  });

  it('a window within one day', () => {
    const lunch = { from: '12:00', to: '13:30', zone: 'Asia/Seoul' };
    expect(isQuietAt(lunch, new Date('2026-12-08T12:45:00+09:00'))).toBe(true);
    expect(isQuietAt(lunch, new Date('2026-12-08T13:30:00+09:00'))).toBe(false);
    expect(isQuietAt(lunch, new Date('2026-12-08T23:00:00+09:00'))).toBe(false);
  });

  it('honours the zone, daylight saving included: the US close digest (16:15 ET) is 06:15 KST in winter, 05:15 KST in summer', () => {
    const winter = new Date('2026-12-07T16:15:00-05:00');
    const summer = new Date('2026-07-07T16:15:00-04:00');
    expect(minutesInZone(winter, 'Asia/Seoul')).toBe(6 * 60 + 15);
    expect(minutesInZone(summer, 'Asia/Seoul')).toBe(5 * 60 + 15);
    expect(minutesInZone(summer, 'America/New_York')).toBe(16 * 60 + 15);
    expect(isQuietAt(SEOUL_NIGHT, winter)).toBe(true);
    expect(isQuietAt({ ...SEOUL_NIGHT, zone: 'America/New_York' }, winter)).toBe(false);
  });

  it('a malformed window holds nothing (a bad row never silences a chat)', () => {
    expect(isQuietAt({ from: '22:00', to: '22:00', zone: 'Asia/Seoul' }, new Date('2026-12-08T22:30:00+09:00'))).toBe(false);
    expect(isQuietAt({ from: '25:00', to: '07:00', zone: 'Asia/Seoul' }, new Date('2026-12-08T03:00:00+09:00'))).toBe(false);
  });
});

describe('delivery settings (stored jsonb, tolerant)', () => {
  it('defaults: no quiet hours, no per-market choice; the all-markets mode applies to each market', () => {
    for (const v of [undefined, null, {}, 'junk', { notify: 3 }]) expect(effectiveDelivery(v)).toEqual({ notify: { digest: 'on', fills: 'on', review: 'on' }, digestByMarket: {}, quiet: null });
    const s = effectiveDelivery({ notify: { digest: 'silent', digestByMarket: { US: 'off', KR: 'bogus' }, quiet: SEOUL_NIGHT } });
    expect(s.quiet).toEqual(SEOUL_NIGHT);
    expect(digestModeFor(s, 'US')).toBe('off');
    expect(digestModeFor(s, 'KR')).toBe('silent');
  });
  it('an incomplete or invalid window reads as none', () => {
    for (const quiet of [{ from: '22:00', to: '07:00' }, { from: '22:00', to: '07:00', zone: 'Nowhere/Land' }, { from: '7', to: '22:00', zone: 'UTC' }, 'always']) {
      expect(effectiveDelivery({ notify: { quiet } }).quiet).toBeNull();
    }
  });
});

describe('/settings arguments for quiet hours and per-market digests', () => {
  const parse = (tokens: string[]) => settingsCommand.args.safeParse({ tokens, text: tokens.join(' ') });
  const message = (tokens: string[]) => {
    const r = parse(tokens);
    expect(r.success).toBe(false);
    return r.error?.issues[0]?.message ?? '';
  };

  it('a window and its zone (IANA, or KST / ET), or off', () => {
    expect(parse(['quiet', '22:00-07:00', 'Asia/Seoul'])).toMatchObject({ success: true, data: { set: null, quiet: SEOUL_NIGHT } });
    expect(parse(['quiet', '7:30', '-', '9:00', 'kst'])).toMatchObject({ success: true, data: { quiet: { from: '07:30', to: '09:00', zone: 'Asia/Seoul' } } });
    expect(parse(['quiet', '22:00-07:00', 'america/new_york'])).toMatchObject({ success: true, data: { quiet: { zone: 'America/New_York' } } });
    expect(parse(['QUIET', 'OFF'])).toMatchObject({ success: true, data: { quiet: 'off' } });
  });

  it('each refusal says the fix', () => {
    expect(message(['quiet', '22:00-07:00'])).toBe('name the zone of those times, e.g. /settings quiet 22:00-07:00 Asia/Seoul (or America/New_York; KST and ET work too)');
    expect(message(['quiet', '25:00-07:00', 'Asia/Seoul'])).toMatch(/^"25:00" is not a time: write HH:MM from 00:00 to 23:59, e\.g\. \/settings quiet 22:00-07:00 Asia\/Seoul$/);
    expect(message(['quiet', '22:00-22:00', 'Asia/Seoul'])).toMatch(/give two different times.*\/settings quiet off/);
    expect(message(['quiet', '22:00-07:00', 'Seoul'])).toMatch(/^"Seoul" is not a time zone: use a name like Asia\/Seoul/);
    expect(message(['quiet'])).toMatch(/e\.g\. \/settings quiet 22:00-07:00 Asia\/Seoul, or \/settings quiet off/);
    expect(message(['digest', 'kr'])).toBe('say the mode too: /settings digest kr on|silent|off');
    expect(message(['digest', 'kr', 'loud'])).toMatch(/on\|silent\|off, e\.g\. \/settings digest kr silent/);
    expect(message(['fills', 'kr', 'off'])).toMatch(/only digests are chosen per market: e\.g\. \/settings digest kr off/);
  });

  it('one market’s digests; the two-word form keeps meaning all markets', () => {
    expect(parse(['digest', 'KR', 'off'])).toMatchObject({ success: true, data: { set: { kind: 'digest', mode: 'off', market: 'KR' } } });
    expect(parse(['digest', 'us', 'silent'])).toMatchObject({ success: true, data: { set: { kind: 'digest', mode: 'silent', market: 'US' } } });
    const all = parse(['digest', 'off']);
    expect(all.success && all.data.set?.market).toBeUndefined();
  });

  it('parseQuietArgs pads hours to HH:MM', () => {
    expect(parseQuietArgs(['6:00-9:30', 'UTC'])).toEqual({ ok: true, quiet: { from: '06:00', to: '09:30', zone: 'UTC' } });
  });
});

describe('the /settings view', () => {
  it('shows the quiet hours, what they hold back, and per-market choices', () => {
    const t = settingsView({ digest: 'on', fills: 'on', review: 'on' }, { digestByMarket: { US: 'off' }, quiet: SEOUL_NIGHT }).text;
    expect(t).toContain('🔔 Digests: on — morning and close summaries\n   per market: US off (the other market follows Digests)');
    expect(t).toContain('🌙 Quiet hours: 22:00–07:00 Asia/Seoul');
    expect(t).toContain('hold back scheduled digests and the weekly review');
    expect(t).toContain('Never held back: safety alerts, kill-switch proofs, confirmations of your own taps');
    expect(t).toContain('/settings quiet 22:00-07:00 Asia/Seoul');
    expect(settingsView({}, { digestByMarket: {}, quiet: null }).text).toContain('🌙 Quiet hours: none — every scheduled digest is sent when it is due');
  });
});

describe('/digest and the digest payload with a market', () => {
  const parse = (tokens: string[]) => digestCommand.args.safeParse({ tokens, text: tokens.join(' ') });
  it('/digest kr [kind]; a kind alone stays the US digest', () => {
    expect(parse(['kr'])).toMatchObject({ success: true, data: { market: 'KR', kind: undefined } });
    expect(parse(['KR', 'close'])).toMatchObject({ success: true, data: { market: 'KR', kind: 'close' } });
    expect(parse(['close'])).toMatchObject({ success: true, data: 'close' });
    expect(parse(['kr', 'weekly']).error?.issues[0]?.message).toMatch(/morning, close.*\/digest kr close/);
  });
  it('the default kind follows the market’s clock', () => {
    // 2026-12-08 11:00 KST is 21:00 ET the day before.
    expect(defaultDigestKind(Date.parse('2026-12-08T11:00:00+09:00'), 'KR')).toBe('morning');
    expect(defaultDigestKind(Date.parse('2026-12-08T11:00:00+09:00'))).toBe('close');
  });
  it('payload market (absent = US) and KR delivery keys', () => {
    expect(digestSendSchema.parse({ kind: 'morning', market: 'KR', sessionDate: '2026-12-08' })).toEqual({ kind: 'morning', market: 'KR', sessionDate: '2026-12-08' });
    expect(digestSendSchema.safeParse({ kind: 'morning', market: 'JP' }).success).toBe(false);
    expect(digestDeliveryJobId('morning', '2026-12-08', 4, 'KR')).toBe('digest-kr-morning-2026-12-08-u4');
    expect(digestDeliveryJobId('morning', '2026-12-08', 4)).toBe('digest-morning-2026-12-08-u4');
  });
});
