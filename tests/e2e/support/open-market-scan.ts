/**
 * A local-mode app ready for /scan during a session (not a test file itself): the app's clock on
 * Monday 2026-12-14 10:00 ET (the market open, tests/helpers/market-time.ts), synthetic DEMO bars
 * for the scan's symbols up to Friday 2026-11-20, and the user's chat opened with /start.
 */
import { generateSyntheticSeries } from '../../../src/adapters/market-data/synthetic/generate-bars.js';
import { weekdaySessions } from '../../../src/adapters/market-data/synthetic/sessions.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { realTime, setMarketTime } from '../../helpers/market-time.js';

/** The last date of the stored bars. */
export const AS_OF = '2026-11-20';

/** What a scan test chooses: its symbols, the scan's chunk size, and how many cards a scan posts. */
export interface OpenMarketScanOptions {
  symbols: readonly string[];
  chunkSize: number;
  topN: number;
  /** The local user (an admin), who sends /start. */
  userId: number;
}

/** Starts the app (picks live 30 minutes, exchange hours) with the market open; stop it with {@link stopOpenMarketScan}. */
export async function startOpenMarketScan(o: OpenMarketScanOptions): Promise<Harness> {
  setMarketTime('2026-12-14T15:00:00Z'); // Mon 10:00 ET: the market is open
  const h = await startHarness({ mode: 'local', env: { SCAN_CHUNK_SIZE: String(o.chunkSize), SCAN_TOP_N: String(o.topN), PICK_TTL_MINUTES: '30', MARKET_HOURS: 'exchange' } });
  const sessions = weekdaySessions(AS_OF, 600);
  await h.running.app.bars.writeBars(
    o.symbols.map((symbol) => ({ symbol, series: generateSyntheticSeries({ symbol, sessions, dollarAdv: 5e7 }) })),
    { source: 'synthetic', demo: true },
  );
  await h.say(o.userId, '/start');
  return h;
}

/** Stops the app (when it started) and gives the test process its real clock back. */
export async function stopOpenMarketScan(h: Harness | undefined): Promise<void> {
  await h?.stop();
  realTime();
}
