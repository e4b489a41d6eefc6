/**
 * The Alpaca e2e rig most issue-19 tests share: the Alpaca trading and data emulators with one
 * quote per symbol, the real bot + worker roles on BROKER=alpaca-paper against them, bars seeded,
 * and the admin's first message sent (Telegram delivers only after a user wrote).
 */
import { startAlpacaDataEmulator, type AlpacaDataEmulator } from '../../src/dev/alpaca-data/server.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator, type AlpacaTradingEmulatorOptions } from '../../src/dev/alpaca-trading/server.js';
import { alpacaPaperEnv, ALPACA_KEY_ID, ALPACA_SECRET, command, seedBars } from './execution.js';
import { startHarness, type Harness } from './harness.js';

export interface AlpacaRig {
  trading: AlpacaTradingEmulator;
  data: AlpacaDataEmulator;
  h: Harness;
  stop(): Promise<void>;
}

export interface AlpacaRigOptions {
  /** Symbol → price: the ask, with the bid a cent below; bars are seeded at it. */
  symbols: Record<string, number>;
  /** `TELEGRAM_ALLOWED_USER_IDS`; default `1:admin`. The first id gets the opening /help. */
  users?: string;
  /** Shares offered at the ask (default 100 000). */
  askSize?: number;
  /** More env for the app (EXEC_* budgets default to 5 000 per order, 50 000 a day). */
  env?: Record<string, string>;
  /** More options of the trading emulator. */
  emulator?: Partial<AlpacaTradingEmulatorOptions>;
  /** Seed bars for the symbols (default true). */
  seed?: boolean;
}

export async function startAlpacaRig(o: AlpacaRigOptions): Promise<AlpacaRig> {
  const quotes = Object.fromEntries(Object.entries(o.symbols).map(([s, p]) => [s, { bid: p - 0.01, ask: p, bidSize: 100_000, askSize: o.askSize ?? 100_000 }]));
  const trading = await startAlpacaTradingEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, cash: 100_000, quotes, ...o.emulator });
  const data = await startAlpacaDataEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, quotes });
  const users = o.users ?? '1:admin';
  const h = await startHarness({
    mode: 'token',
    roles: ['bot', 'worker'],
    env: { TELEGRAM_ALLOWED_USER_IDS: users, ...alpacaPaperEnv(trading.url, data.url), EXEC_PER_ORDER_BUDGET: '5000', EXEC_DAILY_BUDGET: '50000', ...o.env },
  });
  if (o.seed !== false) await seedBars(h.running.app, o.symbols);
  await command(h, Number(users.split(':')[0]), '/help', /./);
  return {
    trading,
    data,
    h,
    async stop() {
      await h.stop();
      await data.close();
      await trading.close();
    },
  };
}
