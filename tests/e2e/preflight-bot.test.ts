/**
 * /preflight through the real bot (the whole app against the Bot API
 * emulator in token mode): an admin gets the same checks as `courtside
 * preflight`, formatted for a phone; anyone else is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, TEST_TOKEN, type Harness } from '../helpers/harness.js';
import { command } from '../helpers/execution.js';

describe('/preflight in the chat', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ mode: 'token', roles: ['bot'], env: { TELEGRAM_ALLOWED_USER_IDS: '1:admin,2:trader' } });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('an admin gets every check with the verdict first and a fix under each problem', async () => {
    // A failing run is recorded and also raises the admins' alert (🚨), which may arrive first: read the report's own messages.
    const after = h.emulator.lastSeq;
    await command(h, 1, '/preflight', /^🛫 Preflight: /, 15_000);
    await new Promise((r) => setTimeout(r, 500));
    const text = (await h.emulator.events({ chatId: 1, afterSeq: after }))
      .filter((e) => e.method === 'sendMessage' && !/^🚨|^✅ RECOVERED/.test(textOf(e)))
      .map(textOf)
      .join('\n');
    expect(text).toMatch(/^🛫 Preflight: (❌ Not ready|⚠️ Ready, with warnings|✅ Ready) — \d+ failed, \d+ warnings?, \d+ passed in (\d+ ms|\d+\.\d s)/);
    for (const title of ['Postgres reachable', 'Migrations current', 'Redis reachable', 'Redis persistence', 'Telegram token', 'Allow-list', 'Polling', 'Kill switch', 'Clock vs Postgres', 'Calendar (us)']) {
      expect(text).toMatch(new RegExp(`(✅|⚠️|❌) ${title.replace(/[()]/g, '\\$&')} — `));
    }
    // The harness stores no bars: the data check fails and says how to fix it.
    expect(text).toMatch(/❌ Data \(us\) — no bars stored: a scan would find nothing\n {3}👉 Run `courtside data seed`/);
    expect(text).toMatch(/✅ Telegram token — getMe: @cs_test_bot/);
    expect(text).not.toContain(TEST_TOKEN);
  }, 30_000);

  it('/preflight kr names the markets this build has', async () => {
    expect(textOf(await command(h, 1, '/preflight kr', /Unknown market/))).toMatch(/Unknown market "kr"\. This build has: us/);
  });

  it('a non-admin is refused', async () => {
    const [r] = await h.say(2, '/preflight');
    expect(textOf(r)).toMatch(/needs the admin role; you are a trader/);
  });
});
