/**
 * Strangers (users not on the allow-list), through the real bot against the
 * Bot API emulator: one polite reply per stranger per hour, remembered across
 * a restart; every attempt audited as one row per stranger per minute with a
 * count, so a flood costs a Redis round trip per message and no Postgres write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

const STRANGER = 4242;
const OTHER = 4343;
const ATTEMPTS = 6;

type AuditRecord = { seq: number; payload: Record<string, unknown> };

describe('strangers', () => {
  let h: Harness;
  let restarted: Harness | null = null;
  beforeAll(async () => {
    h = await startHarness({ mode: 'token', env: { TELEGRAM_ALLOWED_USER_IDS: '1:admin' } });
  });
  afterAll(async () => {
    await restarted?.running.stop();
    await h?.stop();
  });

  const denied = async (app: Harness): Promise<AuditRecord[]> => (await app.running.app.audit.recent(200)).filter((r) => r.payload.action === 'auth.denied');

  it('a stranger hears one reply however often they write, and each attempt is counted in one row per minute', async () => {
    const replies = [];
    for (let i = 0; i < ATTEMPTS; i++) replies.push(...(await h.say(STRANGER, i % 2 ? '/kill' : `hello ${i}`, { count: 1, timeoutMs: i === 0 ? 5_000 : 400 })));
    expect(replies).toHaveLength(1);
    expect(textOf(replies[0])).toMatch(/not allowed/);
    expect(textOf(replies[0])).toContain(String(STRANGER));
    // Another stranger has their own allowance.
    expect(textOf((await h.say(OTHER, '/status'))[0])).toContain(String(OTHER));
    // Nothing written per attempt: the rows come when a minute is over.
    expect((await denied(h)).filter((r) => r.payload.actor === STRANGER)).toHaveLength(0);

    await h.running.bot!.strangers.flush(Date.now() + 2 * 60_000);
    const rows = await denied(h);
    const mine = rows.filter((r) => r.payload.actor === STRANGER);
    const minutes = mine.map((r) => r.payload.minute);
    expect(new Set(minutes).size).toBe(mine.length);
    expect(mine.length).toBeGreaterThanOrEqual(1);
    expect(mine.length).toBeLessThanOrEqual(2); // the attempts may straddle a minute boundary
    expect(mine.reduce((s, r) => s + Number(r.payload.count), 0)).toBe(ATTEMPTS);
    expect(rows.filter((r) => r.payload.actor === OTHER).map((r) => r.payload.count)).toEqual([1]);
    // A second flush finds nothing left to write.
    await h.running.bot!.strangers.flush(Date.now() + 2 * 60_000);
    expect((await denied(h)).filter((r) => r.payload.actor === STRANGER)).toHaveLength(mine.length);
    expect((await h.running.app.audit.verify()).ok).toBe(true);
  });

  it('after a restart the stranger is still not answered again within the hour, and attempts made before it are not lost', async () => {
    await h.say(STRANGER, 'anyone?', { count: 1, timeoutMs: 400 });
    await h.running.stop();
    restarted = await startHarness({ mode: 'token', dbUrl: h.dbUrl, prefix: h.prefix, emulator: h.emulator, env: { TELEGRAM_ALLOWED_USER_IDS: '1:admin' } });
    const again = await restarted.say(STRANGER, '/status', { count: 1, timeoutMs: 1_500 });
    expect(again).toHaveLength(0);
    await restarted.running.bot!.strangers.flush(Date.now() + 2 * 60_000);
    const total = (await denied(restarted)).filter((r) => r.payload.actor === STRANGER).reduce((s, r) => s + Number(r.payload.count), 0);
    expect(total).toBe(ATTEMPTS + 2);
  });
});
