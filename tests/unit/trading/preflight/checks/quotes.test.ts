import { describe, expect, it } from 'vitest';
import { quotesCheck } from '../../../../../src/trading/preflight/checks/quotes.js';
import { runPreflight } from '../../../../../src/trading/preflight/run.js';

const quote = (bid: number, ask: number) => async () => ({ bid, ask, time: '2026-12-14T15:59:58Z' });

async function one(deps: Parameters<typeof quotesCheck>[0]) {
  return (await runPreflight([quotesCheck(deps)])).results[0]!;
}

describe('quotes check (the quotes every approval is re-priced with)', () => {
  it('passes with the quote it saw from Alpaca', async () => {
    const r = await one({ source: 'alpaca', symbol: async () => 'SPY', brokerIsAlpaca: true, latestQuote: quote(600.1, 600.12) });
    expect(r).toMatchObject({ id: 'quotes', title: 'Quotes (alpaca)', level: 'pass', saw: 'SPY bid 600.1 / ask 600.12 at 2026-12-14T15:59:58Z', fix: null });
  });

  it('fails with the fix when the source refuses or does not answer', async () => {
    const refused = await one({ source: 'alpaca', symbol: async () => 'SPY', brokerIsAlpaca: true, latestQuote: () => Promise.reject(new Error('HTTP 403 forbidden')) });
    expect(refused.level).toBe('fail');
    expect(refused.saw).toBe('error: HTTP 403 forbidden');
    expect(refused.fix).toMatch(/APCA_API_KEY_ID\/APCA_API_SECRET_KEY and ALPACA_DATA_URL/);
    const crossed = await one({ source: 'alpaca', symbol: async () => 'SPY', brokerIsAlpaca: true, latestQuote: quote(601, 600) });
    expect(crossed).toMatchObject({ level: 'fail', saw: 'SPY bid 601 / ask 600 at 2026-12-14T15:59:58Z: not a usable quote' });
  });

  it('says stored-bar quotes are not live, and warns when an Alpaca broker would trade on them', async () => {
    expect(await one({ source: 'stored-bars', symbol: async () => 'SPY', brokerIsAlpaca: false, latestQuote: quote(99.95, 100) })).toMatchObject({ level: 'pass', saw: 'SPY bid 99.95 / ask 100 at 2026-12-14T15:59:58Z (from the stored bars, not live)' });
    expect(await one({ source: 'stored-bars', symbol: async () => 'SPY', brokerIsAlpaca: true, latestQuote: quote(99.95, 100) })).toMatchObject({ level: 'warn' });
  });

  it('warns (keys and reachability proven) when the source holds no quote for the symbol asked', async () => {
    expect(await one({ source: 'alpaca', symbol: async () => 'ZZZT', brokerIsAlpaca: true, latestQuote: async () => null })).toMatchObject({ level: 'warn', saw: 'alpaca answered but holds no quote for ZZZT' });
  });
});
