import type { ScanNotReadyNotice } from '../../trading/seeding/notices.js';

/** The answer to a /scan that cannot start yet: how far the load is and when to try again, or how to load data. */
export function scanNotReadyText(n: ScanNotReadyNotice): string {
  if (n.reason === 'no-data') {
    return 'ℹ️ No market data is loaded yet, so nothing was scanned. Run `npx courtside data seed` (or import CSVs with `courtside data import`), then send /scan again.';
  }
  const p = n.progress;
  const stored = p ? `: ${p.done} of ${p.total} symbols stored` : '';
  const left = n.secondsLeft !== null ? `, about ${n.secondsLeft} s left` : ', just started';
  return `⏳ The market data is still loading${stored}${left}. Nothing was scanned; send /scan again once it is loaded.`;
}
