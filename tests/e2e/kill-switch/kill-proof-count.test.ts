/**
 * Issue 19, item 4: the kill proof counts what the cancel-all really cancelled. Real bot + worker
 * roles, BROKER=alpaca-paper against the Alpaca trading emulator holding two resting orders.
 *
 * /kill's cancel-all cancels both (207 with two `status 200`), then every look at the open orders
 * is refused with 429 for a while, so the run cannot prove anything and stays owed. The next run's
 * DELETE finds nothing left (`207 []`). The proof must still say 2 cancelled, open orders now 0 —
 * not "0 cancelled".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlpacaDataEmulator, type AlpacaDataEmulator } from '../../../src/dev/alpaca-data/server.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../src/dev/alpaca-trading/server.js';
import { alpacaPaperEnv, ALPACA_KEY_ID, ALPACA_SECRET, command } from '../../helpers/execution.js';
import { startHarness, textOf, type Harness } from '../../helpers/harness.js';
import { cancelProofs, openAtBroker, owedEpochs, restingOrder } from './support.js';

const ADMIN = 1;
const quote = { bid: 9.99, ask: 10, bidSize: 1_000_000, askSize: 1_000_000 };

let trading: AlpacaTradingEmulator;
let data: AlpacaDataEmulator;
let h: Harness;

beforeAll(async () => {
  trading = await startAlpacaTradingEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, cash: 1_000_000, quotes: { REST: quote } });
  data = await startAlpacaDataEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, quotes: { REST: quote } });
  h = await startHarness({ mode: 'token', roles: ['bot', 'worker'], env: { TELEGRAM_ALLOWED_USER_IDS: `${ADMIN}:admin`, ...alpacaPaperEnv(trading.url, data.url) } });
  await command(h, ADMIN, '/help', /./);
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await data?.close();
  await trading?.close();
});

describe('the kill proof after a refused look', () => {
  it('counts the first run\'s 2 cancels when the re-run\'s cancel-all finds nothing: "2 cancelled, open orders now 0"', async () => {
    await restingOrder(trading.url, 'open-a');
    await restingOrder(trading.url, 'open-b');
    expect(openAtBroker(trading)).toHaveLength(2);
    // Every GET of the open orders refused for a while (more than the adapter's retries, twice over).
    trading.injectFaults(...Array.from({ length: 12 }, () => ({ kind: 'rate_limit' as const, method: 'GET' as const, path: '/v2/orders' })));
    const after = h.emulator.lastSeq;
    await command(h, ADMIN, '/kill drill with a rate-limited broker', /./, 15_000);

    const proof = await h.emulator.waitFor((x) => x.method === 'sendMessage' && x.chat_id === ADMIN && /Broker orders cancelled/.test(textOf(x)), 40_000, { afterSeq: after });
    expect(textOf(proof)).toMatch(/Broker orders cancelled at alpaca-paper: 2 cancelled, open orders now 0/);
    expect(openAtBroker(trading)).toHaveLength(0);
    // The broker really was asked twice: the first DELETE cancelled both, the second found nothing.
    const deletes = trading.requests.filter((r) => r.method === 'DELETE' && r.path === '/v2/orders');
    expect(deletes.length).toBeGreaterThanOrEqual(2);
    const ds = h.running.app.ds;
    expect(await owedEpochs(ds)).toEqual([]);
    expect((await cancelProofs(ds)).at(-1)?.brokers).toEqual({ 'alpaca-paper': { cancelled: 2, openAfter: 0 } });
  }, 60_000);
});
