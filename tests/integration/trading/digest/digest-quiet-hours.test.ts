/**
 * Who a scheduled digest reaches (issue 15, item 6): each user's digest choice for the digest's
 * market (else their all-markets one), and quiet hours per chat on the chat's own clock. A Seoul
 * trader with quiet hours 22:00–07:00 Asia/Seoul gets no US close digest at 06:15 KST, nor the US
 * morning one at 22:45 KST; /digest asked for by hand is answered inside quiet hours.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../../../src/lib/roles.js';
import { digestHandlers, type DigestApp } from '../../../../src/jobs/handlers/digest.js';
import { UserSettingsRepo } from '../../../../src/trading/settings/repo.js';
import type { DigestNotice } from '../../../../src/trading/digest/notices.js';
import { makeDigestWorld, type DigestWorld } from './fixture.js';

const KST = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+09:00`);
const ET = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00-05:00`);

interface Sent {
  chatId: number;
  key: string;
  silent: boolean;
  notice: DigestNotice;
}

let w: DigestWorld;
let sent: Sent[];

function app(users: number[]): DigestApp {
  return {
    db: w.db,
    killSwitch: w.killSwitch,
    publisher: {
      async publish(chatId, notice, opts) {
        sent.push({ chatId, key: opts?.key ?? '', silent: opts?.silent === true, notice: notice as DigestNotice });
      },
    },
    config: { telegram: { allowed: new Map(users.map((u): [number, Role] => [u, 'viewer'])) }, kr: { execution: { dailyBudget: 1_000_000 } } },
    log: pino({ level: 'silent' }),
  };
}

beforeEach(async () => {
  w = await makeDigestWorld();
  sent = [];
  const repo = new UserSettingsRepo(w.db);
  // 1: never changed anything. 2: a Seoul trader with quiet nights. 3: no KR digests. 4: no US digests, KR ones silent.
  // 5: quiet nights in New York.
  await repo.setQuiet(2, { from: '22:00', to: '07:00', zone: 'Asia/Seoul' });
  await repo.setDigestMarket(3, 'KR', 'off');
  await repo.setDigestMarket(4, 'US', 'off');
  await repo.setDigestMarket(4, 'KR', 'silent');
  await repo.setQuiet(5, { from: '22:00', to: '07:00', zone: 'America/New_York' });
});
afterEach(async () => {
  await w.close();
});

const users = [1, 2, 3, 4, 5];

describe('scheduled digests per market and quiet hours', () => {
  it('the US close digest at 16:15 ET (06:15 KST) skips the Seoul quiet chat and who turned US digests off', async () => {
    const h = digestHandlers(app(users), { now: () => ET('2026-12-07', '16:15') });
    const r = await h['digest.send']({ kind: 'close', sessionDate: '2026-12-07' }, { job: { id: 'sched-us-digest-close-1615-2026-12-07' } });
    expect(r).toEqual({ kind: 'close', sessionDate: '2026-12-07', sent: 3, silent: 0, quiet: 1 });
    // US keys keep their pre-market shape.
    expect(sent.map((s) => [s.chatId, s.key])).toEqual([
      [1, 'digest-close-2026-12-07-u1'],
      [3, 'digest-close-2026-12-07-u3'],
      [5, 'digest-close-2026-12-07-u5'],
    ]);
  });

  it('the US morning digest at 08:45 ET (22:45 KST) is held back from the Seoul quiet chat too', async () => {
    const h = digestHandlers(app(users), { now: () => ET('2026-12-07', '08:45') });
    const r = await h['digest.send']({ kind: 'morning', sessionDate: '2026-12-07' }, { job: { id: 'j' } });
    expect(r.quiet).toBe(1);
    expect(sent.map((s) => s.chatId)).toEqual([1, 3, 5]);
  });

  it('the KR morning digest at 08:00 KST: KR choices apply, the Seoul chat is awake, keys name KR', async () => {
    const h = digestHandlers(app(users), { now: () => KST('2026-12-08', '08:00') });
    const r = await h['digest.send']({ kind: 'morning', market: 'KR', sessionDate: '2026-12-08' }, { job: { id: 'sched-kr-digest-morning-0800-2026-12-08' } });
    expect(r).toEqual({ kind: 'morning', market: 'KR', sessionDate: '2026-12-08', sent: 4, silent: 1 });
    expect(sent.map((s) => [s.chatId, s.key, s.silent])).toEqual([
      [1, 'digest-kr-morning-2026-12-08-u1', false],
      [2, 'digest-kr-morning-2026-12-08-u2', false],
      [4, 'digest-kr-morning-2026-12-08-u4', true],
      // 08:00 KST is 18:00 ET: outside the New York chat's quiet hours.
      [5, 'digest-kr-morning-2026-12-08-u5', false],
    ]);
    const n = sent[0]!.notice;
    expect(n.kind === 'digest.morning' && n.digest.market).toBe('KR');
    expect(n.kind === 'digest.morning' && n.digest.budget).toEqual({ date: '2026-12-08', limit: 1_000_000, spent: 0, left: 1_000_000 });
  });

  it('the KR close digest at 15:45 KST is 01:45 ET: held back from the New York quiet chat (its own zone), not from the Seoul one', async () => {
    const h = digestHandlers(app(users), { now: () => KST('2026-12-08', '15:45') });
    const r = await h['digest.send']({ kind: 'close', market: 'KR', sessionDate: '2026-12-08' }, { job: { id: 'j' } });
    expect(r.quiet).toBe(1);
    expect(sent.map((s) => s.chatId)).toEqual([1, 2, 4]);
  });

  it('/digest asked for by hand is answered inside quiet hours', async () => {
    const h = digestHandlers(app(users), { now: () => KST('2026-12-08', '06:15') });
    const r = await h['digest.send']({ kind: 'close', chatId: 2, userId: 2, role: 'viewer', updateId: 9 }, { job: { id: 'tg-9' } });
    expect(r.sent).toBe(1);
    expect(sent.map((s) => [s.chatId, s.key])).toEqual([[2, 'tg-9-reply']]);
  });

  it('"/settings digest off" (all markets) clears the per-market choices; quiet hours off sends again', async () => {
    const repo = new UserSettingsRepo(w.db);
    await repo.setMode(4, 'digest', 'off');
    expect((await repo.getDelivery(4)).digestByMarket).toEqual({});
    await repo.setQuiet(2, null);
    const h = digestHandlers(app(users), { now: () => ET('2026-12-07', '16:15') });
    await h['digest.send']({ kind: 'close', sessionDate: '2026-12-07' }, { job: { id: 'j' } });
    expect(sent.map((s) => s.chatId)).toEqual([1, 2, 3, 5]);
  });
});

describe('stored quiet hours and per-market choices', () => {
  it('live beside the modes in settings.notify, other keys kept; junk reads as none', async () => {
    const repo = new UserSettingsRepo(w.db);
    await w.run(`INSERT INTO user_settings (user_id, settings) VALUES (7, $1)`, [JSON.stringify({ theme: 'dark', notify: { fills: 'off', extra: 1 } })]);
    await repo.setQuiet(7, { from: '23:30', to: '06:00', zone: 'Asia/Seoul' });
    await repo.setDigestMarket(7, 'US', 'silent');
    const stored = ((await w.run(`SELECT settings FROM user_settings WHERE user_id = 7`)) as { settings: unknown }[])[0]!.settings;
    expect(stored).toEqual({ theme: 'dark', notify: { fills: 'off', extra: 1, quiet: { from: '23:30', to: '06:00', zone: 'Asia/Seoul' }, digestByMarket: { US: 'silent' } } });
    expect(await repo.get(7)).toEqual({ digest: 'on', fills: 'off', review: 'on' });
    await w.run(`UPDATE user_settings SET settings = $1 WHERE user_id = 7`, [JSON.stringify({ notify: { quiet: { from: '25:00', to: '06:00', zone: 'Asia/Seoul' }, digestByMarket: { KR: 'loud', US: 'off' } } })]);
    expect(await repo.getDelivery(7)).toEqual({ notify: { digest: 'on', fills: 'on', review: 'on' }, digestByMarket: { US: 'off' }, quiet: null });
    await expect(repo.setQuiet(7, { from: '22:00', to: '22:00', zone: 'Asia/Seoul' })).rejects.toThrow(/different/);
    await expect(repo.setQuiet(7, { from: '22:00', to: '07:00', zone: 'Mars/Base' })).rejects.toThrow(/zone/);
  });
});
