import type { BarChartSpec } from '../../adapters/charts/port.js';
import type { WeeklyReview } from '../../trading/review/types.js';

/** "2026-12-04" → "Fri 12/04". */
function dayLabel(date: string): string {
  const day = new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
  return `${day} ${date.slice(5, 7)}/${date.slice(8, 10)}`;
}

/**
 * The weekly review's picture: realized P&L per session as bars (the same figures as the
 * "By session" line); in a week without closed trades, the signals per session instead. Null
 * when the week had neither: an empty chart says nothing.
 */
export function weeklyReviewChart(r: WeeklyReview): { spec: BarChartSpec; caption: string } | null {
  const labels = r.daily.map((d) => dayLabel(d.date));
  const watermark = r.demo ? { watermark: 'DEMO' } : {};
  if (r.outcomes.trades > 0) {
    return {
      spec: { kind: 'bars', title: `Realized P&L per session, week to ${r.sessionDate} (${r.market})`, labels, values: r.daily.map((d) => d.realizedPnl), valueLabel: 'P&L $', width: 800, height: 420, ...watermark },
      caption: `📊 Realized P&L per session (New York dates), ${r.outcomes.trades} closed trades`,
    };
  }
  if (r.signals.total > 0) {
    return {
      spec: { kind: 'bars', title: `Signals per session, week to ${r.sessionDate} (${r.market})`, labels, values: r.daily.map((d) => d.signals), valueLabel: 'signals', width: 800, height: 420, ...watermark },
      caption: `📊 Signals per session (New York dates), ${r.signals.total} in all; no trade closed this week`,
    };
  }
  return null;
}
