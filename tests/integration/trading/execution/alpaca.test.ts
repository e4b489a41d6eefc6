import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlpacaBroker, type AlpacaBrokerOptions } from '../../../../src/adapters/brokers/alpaca/alpaca-broker.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../../src/dev/alpaca-trading/server.js';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { executeApproval } from '../../../../src/trading/execution/execute.js';
import { makeScrubber } from '../../../../src/lib/logging/scrub.js';
import { captureLogs } from '../../adapters/market-data/capture-logs.js';
import { makeWorld, type World } from './setup.js';

const KEY_ID = 'PKEXECKEYID00042';
const SECRET = 'exec_secret_MUST_NOT_LEAK_4242';

let w: World;
let emu: AlpacaTradingEmulator;
const logs = captureLogs();

beforeEach(async () => {
  w = await makeWorld();
  emu = await startAlpacaTradingEmulator({ keyId: KEY_ID, secretKey: SECRET, cash: 100_000, quotes: { ABC: { bid: 9.99, ask: 10, bidSize: 10_000, askSize: 10_000 } } });
});
afterEach(async () => {
  await emu.close();
  await w.close();
});

function alpaca(over: Partial<AlpacaBrokerOptions> = {}): AlpacaBroker {
  return new AlpacaBroker({
    keyId: KEY_ID,
    secretKey: SECRET,
    baseUrl: emu.url,
    logger: logs.logger,
    retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 200, timeoutMs: 1_000 },
    submitTimeoutMs: 200,
    lookupWindowMs: 300,
    cancelVerifyMs: 200,
    pollMs: 20,
    ...over,
  });
}

const deps = (broker: AlpacaBroker) => w.deps({ broker, logger: logs.logger, scrub: makeScrubber([SECRET, KEY_ID]) });
const posts = () => emu.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders');

async function approval(): Promise<string> {
  const r = await approvePick(w.uow(), { pickId: await w.pick(), userId: 42, role: 'trader', now: new Date() });
  if (r.kind !== 'approved') throw new Error(r.kind);
  return r.approvalId;
}

async function noSecrets(...extra: unknown[]): Promise<void> {
  const stored = JSON.stringify([
    await w.ds.query(`SELECT payload FROM audit_log`),
    await w.ds.query(`SELECT * FROM orders`),
    await w.ds.query(`SELECT * FROM approvals`),
    extra,
  ]);
  const text = stored + logs.lines.join('\n');
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(KEY_ID);
}

describe('executeApproval against Alpaca (trading emulator)', () => {
  it('accept_then_timeout: the POST is accepted but never answered → found by client order id; ONE order, ONE POST, booked', async () => {
    const approvalId = await approval();
    emu.injectFaults({ kind: 'accept_then_timeout', method: 'POST', path: '/v2/orders' });
    const out = await executeApproval(deps(alpaca()), approvalId);
    expect(out).toMatchObject({ kind: 'filled', qty: 7, filledQty: 7, avgFillPrice: 10, limitPrice: 10.01, broker: 'alpaca' });
    expect(emu.orders()).toHaveLength(1);
    expect(posts()).toHaveLength(1);
    expect(posts()[0]!.status).toBeNull();
    expect(emu.orders()[0]).toMatchObject({ client_order_id: `cs-${approvalId}`, time_in_force: 'ioc', limit_price: '10.01', qty: '7' });

    // Replays (job retried, user re-tapped) change nothing.
    expect(await executeApproval(deps(alpaca()), approvalId)).toMatchObject({ kind: 'filled', filledQty: 7 });
    expect(posts()).toHaveLength(1);
    expect(await w.count(`SELECT count(*)::int AS n FROM positions WHERE symbol = 'ABC' AND qty = 7`)).toBe(1);
    await noSecrets(out);
  });

  it('timeout and the lookups fail too → pending (never re-POSTed); a later run finds it and books it once', async () => {
    const approvalId = await approval();
    emu.injectFaults({ kind: 'accept_then_timeout', method: 'POST' }, ...Array.from({ length: 30 }, () => ({ kind: 'server_error' as const, method: 'GET' as const, path: '/v2/orders:by_client_order_id' })));
    const first = await executeApproval(deps(alpaca({ lookupWindowMs: 100 })), approvalId);
    expect(first).toMatchObject({ kind: 'pending', clientOrderId: `cs-${approvalId}` });
    expect(emu.orders()).toHaveLength(1); // it exists: that is why it must not be re-sent
    expect(posts()).toHaveLength(1);

    while (emu.pendingFaults().length > 0) await alpaca().getOrderByClientId('drain-faults').catch(() => undefined);
    const later = await executeApproval(deps(alpaca()), approvalId);
    expect(later).toMatchObject({ kind: 'filled', filledQty: 7 });
    expect(posts()).toHaveLength(1);
    expect(emu.orders()).toHaveLength(1);
    await noSecrets(first, later);
  });

  it('an IOC that finds no seller ends canceled with nothing filled: not_filled, budget released', async () => {
    const approvalId = await approval();
    emu.setQuote('ABC', { bid: 10.04, ask: 10.05 }); // the venue moved past our limit 10.01
    const out = await executeApproval(deps(alpaca()), approvalId);
    expect(out).toMatchObject({ kind: 'not_filled', filledQty: 0, orderState: 'canceled' });
    expect(Number(((await w.ds.query(`SELECT spent FROM daily_budget`)) as { spent: string }[])[0]!.spent)).toBe(0);
    expect(await w.count(`SELECT count(*)::int AS n FROM positions`)).toBe(0);
  });

  it('bad credentials: nothing placed, a non-retryable failure whose text holds no secret', async () => {
    const approvalId = await approval();
    const out = await executeApproval(deps(alpaca({ secretKey: 'wrong_secret_also_private' })), approvalId);
    expect(out).toMatchObject({ kind: 'failed', retryable: false });
    expect(JSON.stringify(out)).not.toContain('wrong_secret_also_private');
    expect(emu.orders()).toHaveLength(0);
    await noSecrets(out);
  });
});
