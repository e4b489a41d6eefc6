import { bold, fmt, join, type FmtString } from 'telegraf/format';
import type { CandleChartSpec, Overlay } from '../../adapters/charts/port.js';
import { candlesFromSeries } from '../charts/specs.js';
import type { BarSeries } from '../../engine/bars.js';
import { IndicatorCache } from '../../engine/indicators/cache.js';
import { strategyById } from '../../engine/strategies/index.js';
import { money } from '../format/numbers.js';
import type { ScanPick } from '../../trading/scan/pick.js';

/** A pick, as the card shows it. */
export type PickView = ScanPick;

const CHART_BARS = 120;

/** Every card says how the stop works: no stop order rests at the broker. */
export const STOP_NOTE = 'Stop is checked once a day, near the close, on daily bars: no stop order is placed at the broker.';

/** The card caption: what, levels, size and risk, why, and a DEMO or data-date stamp. */
export function pickCaption(p: PickView, expiresLabel: string): FmtString {
  const title = strategyById(p.strategy).title;
  return join(
    [
      fmt`📈 ${bold(p.symbol)} · ${title}${p.demo ? ' · DEMO' : ''}`,
      `Entry (limit) ${p.entry.toFixed(2)} · Stop ${p.stop.toFixed(2)} · Target ${p.target === null ? '—' : p.target.toFixed(2)}`,
      `Qty ${p.qty} · risk ${money(p.dollarRisk)} if the stop fills`,
      `Why: ${p.reasons.join('; ')}`,
      STOP_NOTE,
      `${p.demo ? 'DEMO data (synthetic)' : 'Data'} as of ${p.sessionDate} · pick ${p.id} · approve by ${expiresLabel}`,
    ],
    '\n',
  );
}

/** Candles (last ~120 bars) with SMA200, the strategy's channel, and entry/stop/target lines. */
export function pickChartSpec(p: PickView, series: BarSeries): CandleChartSpec {
  const n = series.dates.length;
  const from = Math.max(0, n - CHART_BARS);
  const cache = new IndicatorCache(series);
  const tail = (a: Float64Array) => Array.from(a.subarray(from), (v) => (Number.isFinite(v) ? v : null));
  const overlays: Overlay[] = [{ name: 'SMA200', values: tail(cache.sma(200)), color: '#6d28d9' }];
  if (p.strategy === 'donchian') overlays.push({ name: 'Donchian 55 high', values: tail(cache.donchianUpper(55)), color: '#0ea5e9', dashed: true });
  else overlays.push({ name: '20-day low', values: tail(cache.donchianLower(20).lower), color: '#0ea5e9', dashed: true });
  return {
    kind: 'candles',
    title: `${p.symbol} · ${strategyById(p.strategy).title} · ${p.sessionDate}`,
    bars: candlesFromSeries(series, CHART_BARS),
    overlays,
    levels: [
      { role: 'entry', price: p.entry },
      { role: 'stop', price: p.stop },
      ...(p.target === null ? [] : [{ role: 'target' as const, price: p.target }]),
    ],
    ...(p.demo ? { watermark: 'DEMO' } : {}),
  };
}
