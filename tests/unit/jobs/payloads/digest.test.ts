import { describe, expect, it } from 'vitest';
import { defaultDigestKind, digestCommand } from '../../../../src/bot/commands/digest.js';
import { digestDeliveryJobId, digestSendSchema, scheduledDigestJobId } from '../../../../src/jobs/payloads/digest.js';
import { scheduledScansOn } from '../../../../src/trading/digest/scans.js';
import { buildSlots, DEFAULT_SCHEDULE } from '../../../../src/engine/schedule/slots.js';

describe('digest.send payload', () => {
  it('accepts a /digest reply and a scheduled broadcast', () => {
    expect(digestSendSchema.parse({ kind: 'close', chatId: -100, userId: 5, role: 'viewer', updateId: 9 })).toEqual({ kind: 'close', chatId: -100, userId: 5, role: 'viewer', updateId: 9 });
    expect(digestSendSchema.parse({ kind: 'morning', sessionDate: '2026-11-20' })).toEqual({ kind: 'morning', sessionDate: '2026-11-20' });
  });

  it('refuses unknown kinds, half-addressed payloads and bad dates', () => {
    for (const bad of [{ kind: 'weekly' }, { kind: 'close', chatId: 1 }, { kind: 'close', userId: 1 }, { kind: 'close', sessionDate: '20-11-2026' }, { kind: 'close', userId: 0, chatId: 1 }]) {
      expect(digestSendSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('job ids are per kind, date (and user) and never contain ":" (BullMQ refuses it)', () => {
    expect(scheduledDigestJobId('morning', '2026-11-20')).toBe('digest-morning-2026-11-20');
    expect(digestDeliveryJobId('close', '2026-11-20', 42)).toBe('digest-close-2026-11-20-u42');
    expect(digestDeliveryJobId('close', '2026-11-20', 42)).not.toBe(digestDeliveryJobId('close', '2026-11-20', 4));
    expect(digestDeliveryJobId('close', '2026-11-20', 42)).not.toContain(':');
  });
});

describe('/digest arguments', () => {
  const parse = (tokens: string[]) => digestCommand.args.safeParse({ tokens, text: tokens.join(' ') });
  it('takes morning or close (any case) or nothing', () => {
    expect(parse(['morning'])).toMatchObject({ success: true, data: 'morning' });
    expect(parse(['CLOSE'])).toMatchObject({ success: true, data: 'close' });
    expect(parse([])).toMatchObject({ success: true, data: undefined });
  });
  it('refuses anything else with a usable message', () => {
    const r = parse(['weekly']);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/morning, close/);
    expect(parse(['morning', 'close']).success).toBe(false);
  });
  it('without an argument: morning before noon New York time, close after', () => {
    expect(defaultDigestKind(Date.parse('2026-11-20T11:59:00-05:00'))).toBe('morning');
    expect(defaultDigestKind(Date.parse('2026-11-20T12:00:00-05:00'))).toBe('close');
    expect(defaultDigestKind(Date.parse('2026-07-01T08:00:00-04:00'))).toBe('morning');
  });
});

describe('scheduledScansOn', () => {
  const slots = buildSlots(DEFAULT_SCHEDULE);
  it('lists the day’s scan slots in time order (close-relative ones follow an early close)', () => {
    expect(scheduledScansOn(slots, '2026-11-20').map((s) => s.at.toISOString())).toEqual(['2026-11-20T14:35:00.000Z', '2026-11-20T15:30:00.000Z', '2026-11-20T20:55:00.000Z']);
    // Day after Thanksgiving: 13:00 close, so close-5 is 12:55.
    expect(scheduledScansOn(slots, '2026-11-27').map((s) => s.at.toISOString())).toEqual(['2026-11-27T14:35:00.000Z', '2026-11-27T15:30:00.000Z', '2026-11-27T17:55:00.000Z']);
  });
  it('none on a holiday', () => {
    expect(scheduledScansOn(slots, '2026-11-26')).toEqual([]);
  });
});
