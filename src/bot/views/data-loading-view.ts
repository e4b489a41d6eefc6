import type { ScanNotReadyNotice } from '../../trading/seeding/notices.js';

/** What was not done, by the command that could not start. */
const NOT_DONE: Readonly<Record<NonNullable<ScanNotReadyNotice['command']>, string>> = { scan: 'scanned', backtest: 'backtested' };

/** The answer to a /scan or /backtest that cannot start yet: how far the load is and when to try again, or how to load data. */
export function scanNotReadyText(n: ScanNotReadyNotice): string {
  const command = n.command ?? 'scan';
  if (n.reason === 'no-data') {
    return `ℹ️ No market data is loaded yet, so nothing was ${NOT_DONE[command]}. Run \`npx courtside data seed\` (or import CSVs with \`courtside data import\`), then send /${command} again.`;
  }
  const p = n.progress;
  // 0 of 0: the seed has not worked out what it will write yet.
  const stored = p && p.total > 0 ? `: ${p.done} of ${p.total} symbols stored` : '';
  const left = n.secondsLeft !== null ? `, about ${n.secondsLeft} s left` : ', just started';
  return `⏳ The market data is still loading${stored}${left}. Nothing was ${NOT_DONE[command]}; send /${command} again once it is loaded.`;
}
