import type { BarChartSpec, LineChartSpec } from '../../adapters/charts/port.js';
import type { HypothesesOverview, HypothesisDetail } from '../../trading/hypotheses/views.js';
import { equityChartSpec } from '../charts/specs.js';

/**
 * The lifecycle chart of /hypotheses: one bar per (market, state) with its
 * count, labelled with the count and cap the text shows. Null when there is
 * no hypothesis (an empty chart says nothing).
 */
export function lifecycleChart(o: HypothesesOverview): BarChartSpec | null {
  const rows = o.markets.flatMap((m) => m.counts.map((c) => ({ label: `${m.market} ${c.state} ${c.count}${c.cap === null ? '' : `/${c.cap}`}`, value: c.count })));
  if (rows.every((r) => r.value === 0)) return null;
  return {
    kind: 'bars',
    title: `Hypotheses per state${o.markets.length === 1 ? ` · ${o.markets[0]!.market}` : ''}`,
    labels: rows.map((r) => r.label),
    values: rows.map((r) => r.value),
    valueLabel: 'Hypotheses',
    horizontal: true,
    width: 800,
    height: Math.min(1200, Math.max(300, 120 + 40 * rows.length)),
  };
}

/** The out-of-sample equity of /hypothesis ID with its drawdown; null without a stored series. */
export function hypothesisEquityChart(d: HypothesisDetail): LineChartSpec | null {
  if (!d.equity || d.equity.values.length < 2) return null;
  return {
    ...equityChartSpec({
      title: `${d.id} · ${d.familyTitle ?? d.family} · out-of-sample equity`,
      dates: d.equity.dates,
      equity: d.equity.values,
      // Synthetic bars are never shown as real.
      ...(d.evaluation?.demo ? { watermark: 'DEMO' } : {}),
    }),
    width: 800,
    height: 450,
  };
}
