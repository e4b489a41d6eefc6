import type { Logger } from 'pino';
import { AlpacaBroker, type AlpacaBrokerOptions } from '../../../../src/adapters/brokers/alpaca/alpaca-broker.js';

/** An AlpacaBroker on an emulator with short waits for tests (override anything); not a test file itself. */
export function testAlpacaBroker(base: { keyId: string; secretKey: string; baseUrl: string; logger: Logger }, over: Partial<AlpacaBrokerOptions> = {}): AlpacaBroker {
  return new AlpacaBroker({
    ...base,
    retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 2_000, timeoutMs: 2_000 },
    submitTimeoutMs: 2_000,
    lookupWindowMs: 300,
    cancelVerifyMs: 300,
    pollMs: 20,
    ...over,
  });
}
