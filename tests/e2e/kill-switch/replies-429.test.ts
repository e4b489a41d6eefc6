/**
 * A 429 from Telegram on a direct bot reply loses nothing (issue 12, items 1 and 11).
 *
 * Real bot + worker roles in this process, a separate Telegram Bot API emulator reached through
 * an HTTP tap (so the test can hold the bot's sendMessage calls), BROKER=alpaca-paper against the
 * Alpaca trading emulator, also behind a tap (so the test can hold the cancel-all).
 *
 * The emulator answers 429 (retry_after 2) to the FIRST sendMessage of each of /help, a usage
 * error, a stranger's refusal, /kill and /resume: every reply still arrives, in its own words.
 * With /kill: the cancel-all owed row is in Postgres before any reply is attempted, the broker's
 * open orders reach 0, the proof (per-broker counts) is stored in the audit log and sent, and
 * then the owed row is cleared. /readyz (with the admin token) and /status show the kill epoch,
 * who changed it last and when, and the owed cancel-all while there is one.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startAlpacaDataEmulator, type AlpacaDataEmulator } from '../../../src/dev/alpaca-data/server.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../src/dev/alpaca-trading/server.js';
import { startTelegramEmulator, type TelegramEmulator } from '../../../src/dev/telegram/index.js';
import { REDIS_URL } from '../../helpers/env.js';
import { alpacaPaperEnv, ALPACA_KEY_ID, ALPACA_SECRET, startHttpTap, until, type HttpTap } from '../../helpers/execution.js';
import { startHarness, TEST_TOKEN, textOf, type Harness } from '../../helpers/harness.js';
import { ADMIN_TOKEN, httpGet, probeQueues } from '../resilience/support.js';
import { cancelProofs, openAtBroker, restingOrder } from './support.js';

const ADMIN = 1;
const STRANGER = 77;
const RETRY_AFTER_S = 2;

let em: TelegramEmulator;
let tgTap: HttpTap;
let trading: AlpacaTradingEmulator;
let brokerTap: HttpTap;
let data: AlpacaDataEmulator;
let h: Harness;

/** The next sendMessage to `chatId` after `afterSeq` (any text), and every event meanwhile for failure messages. */
async function replyTo(chatId: number, afterSeq: number, re: RegExp, timeoutMs = 15_000): Promise<string> {
  try {
    const e = await em.waitFor((x) => x.method === 'sendMessage' && x.chat_id === chatId && re.test(textOf(x)), timeoutMs, { afterSeq });
    return textOf(e);
  } catch (err) {
    const got = (await em.events({ chatId, afterSeq })).map((e) => `${e.method}: ${textOf(e).slice(0, 160)}`);
    throw new Error(`no reply matching ${re}: ${(err as Error).message}\nevents:\n${got.join('\n')}`);
  }
}

/** Arms the 429 for the next sendMessage and sends `text` as `userId`. */
function saysAfter429(userId: number, text: string): number {
  const after = em.lastSeq;
  em.failNext('sendMessage', { error_code: 429, description: `Too Many Requests: retry after ${RETRY_AFTER_S}`, retry_after: RETRY_AFTER_S });
  em.sendUserMessage({ userId, text, firstName: `User${userId}` });
  return after;
}

function releaseAll(): void {
  tgTap.release();
  brokerTap.release();
}

async function sentTexts(chatId: number, afterSeq: number): Promise<string[]> {
  return (await em.events({ chatId, afterSeq })).filter((e) => e.method === 'sendMessage').map((e) => textOf(e));
}

beforeAll(async () => {
  em = await startTelegramEmulator({ token: TEST_TOKEN, bot: { id: 555000111, username: 'cs_test_bot' } });
  tgTap = await startHttpTap(em.url);
  const quote = { bid: 9.99, ask: 10, bidSize: 1_000_000, askSize: 1_000_000 };
  trading = await startAlpacaTradingEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, cash: 1_000_000, quotes: { REST: quote } });
  brokerTap = await startHttpTap(trading.url);
  data = await startAlpacaDataEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, quotes: { REST: quote } });
  h = await startHarness({
    mode: 'token',
    emulator: em,
    roles: ['bot', 'worker'],
    env: { TELEGRAM_API_ROOT: tgTap.url, TELEGRAM_ALLOWED_USER_IDS: `${ADMIN}:admin`, HTTP_ADMIN_TOKEN: ADMIN_TOKEN, ...alpacaPaperEnv(brokerTap.url, data.url) },
  });
  // The start-up reconciliation has run and its messages (if any) are out before any 429 is armed.
  const q = probeQueues(REDIS_URL, h.prefix);
  try {
    await until('start-up reconciliation', async () => ((await q.state('executions', `reconcile-start-${h.running.app.instanceId}`)) === 'completed' ? true : undefined), 15_000);
    await until('the notify queue to drain', async () => {
      const c = await q.counts('notify');
      return (c['waiting'] ?? 0) + (c['active'] ?? 0) + (c['delayed'] ?? 0) === 0 ? true : undefined;
    }, 10_000);
  } finally {
    await q.close();
  }
}, 60_000);

afterAll(async () => {
  tgTap?.release();
  brokerTap?.release();
  await h?.stop();
  await em?.close();
  await tgTap?.close();
  await brokerTap?.close();
  await data?.close();
  await trading?.close();
});

describe('a 429 on the first sendMessage of a direct reply', () => {
  it('/help: the command list still arrives, after retry_after', async () => {
    const after = saysAfter429(ADMIN, '/help');
    const t0 = Date.now();
    const text = await replyTo(ADMIN, after, /Commands/);
    expect(text).toMatch(/\/kill/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1_000 - 100);
    expect((await sentTexts(ADMIN, after)).filter((t) => /Something went wrong/.test(t))).toEqual([]);
  });

  it('a usage error: the usage answer still arrives', async () => {
    const after = saysAfter429(ADMIN, '/status now please');
    const text = await replyTo(ADMIN, after, /Usage: \/status/);
    expect(text).toMatch(/takes no arguments/);
    expect((await sentTexts(ADMIN, after)).filter((t) => /Something went wrong/.test(t))).toEqual([]);
  });

  it("a stranger's refusal still arrives (and says their user id)", async () => {
    const after = saysAfter429(STRANGER, '/status');
    const text = await replyTo(STRANGER, after, /not allowed to use this bot/);
    expect(text).toContain(`Your Telegram user ID is ${STRANGER}`);
    expect((await sentTexts(STRANGER, after)).filter((t) => /Something went wrong/.test(t))).toEqual([]);
  });

  it('/kill: the owed cancel-all is in Postgres before any reply is attempted; orders reach 0, the proof is stored and sent, the owed row is cleared', async () => {
    const ds = h.running.app.ds;
    await restingOrder(brokerTap.url, 'left-open-1');
    await restingOrder(brokerTap.url, 'left-open-2');
    expect(openAtBroker(trading)).toHaveLength(2);

    // Hold every sendMessage (the reply, whoever sends it) and the broker's cancel-all.
    tgTap.hold((method, path) => method === 'POST' && /\/sendMessage$/i.test(path));
    onTestFinished(releaseAll);
    brokerTap.hold((method, path) => method === 'DELETE' && path === '/v2/orders');
    const after = saysAfter429(ADMIN, '/kill drill 429');
    await until('the first sendMessage after /kill', () => (tgTap.heldCount() > 0 ? true : undefined), 10_000, 20);

    // At the first reply attempt the switch is on and the cancel-all is owed, with its epoch.
    const ks = ((await ds.query(`SELECT engaged, epoch::int AS epoch FROM kill_switch WHERE id = 1`)) as { engaged: boolean; epoch: number }[])[0]!;
    expect(ks.engaged).toBe(true);
    const owed = (await ds.query(`SELECT epoch::int AS epoch, since FROM cancel_owed`)) as { epoch: number; since: Date }[];
    expect(owed.map((o) => o.epoch)).toEqual([ks.epoch]);

    // /readyz with the admin token: the epoch, who changed it and when, the owed cancel-all.
    const ready = await until(
      '/readyz to show the owed cancel-all',
      async () => {
        const r = await httpGet(h.running.httpPort, '/readyz', 3_000, { authorization: `Bearer ${ADMIN_TOKEN}` });
        const body = JSON.parse(r.body) as { killSwitch?: { epoch: number; changedBy: string; changedAt: string; cancelOwed: { epoch: number; since: string }[] } };
        return body.killSwitch?.cancelOwed?.length ? body.killSwitch : undefined;
      },
      8_000,
      200,
    );
    expect(ready).toMatchObject({ epoch: ks.epoch, changedBy: String(ADMIN), cancelOwed: [{ epoch: ks.epoch }] });
    expect(Date.parse(ready.changedAt)).toBeGreaterThan(Date.now() - 60_000);

    releaseAll();
    const text = await replyTo(ADMIN, after, /KILL SWITCH ON/);
    expect(text).toContain('drill 429');

    await until('open orders at the broker to reach 0', () => (openAtBroker(trading).length === 0 ? true : undefined), 15_000);
    const proofMsg = await replyTo(ADMIN, after, /Broker orders cancelled/);
    expect(proofMsg).toMatch(/open orders now 0/);
    await until('the owed row to be cleared', async () => ((await ds.query(`SELECT 1 FROM cancel_owed`)) as unknown[]).length === 0 || undefined, 10_000);
    const last = (await cancelProofs(ds)).at(-1);
    expect(last?.epochs).toContain(ks.epoch);
    expect(last?.brokers['alpaca-paper']).toMatchObject({ openAfter: 0 });
    expect((await sentTexts(ADMIN, after)).filter((t) => /Something went wrong/.test(t))).toEqual([]);

    // /status: the epoch and who changed it; nothing owed any more.
    const s = em.lastSeq;
    em.sendUserMessage({ userId: ADMIN, text: '/status', firstName: 'Admin' });
    const status = await replyTo(ADMIN, s, /Kill switch: ON/);
    expect(status).toMatch(new RegExp(`Kill epoch ${ks.epoch} · changed by ${ADMIN} at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d ET`));
    expect(status).not.toMatch(/Cancel-all owed/);
  }, 60_000);

  it('/resume: the confirmation (with its buttons) still arrives', async () => {
    const after = saysAfter429(ADMIN, '/resume');
    const e = await em.waitFor((x) => x.method === 'sendMessage' && x.chat_id === ADMIN && /Resume trading\?/.test(textOf(x)), 15_000, { afterSeq: after });
    expect(JSON.stringify(e.message?.reply_markup ?? {})).toContain('Confirm resume');
    expect((await sentTexts(ADMIN, after)).filter((t) => /Something went wrong/.test(t))).toEqual([]);
  });
});
