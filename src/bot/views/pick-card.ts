import { bold, fmt, join, type FmtString } from 'telegraf/format';
import type { CandleChartSpec, Overlay } from '../../adapters/charts/port.js';
import { candlesFromSeries } from '../charts/specs.js';
import type { BarSeries } from '../../engine/bars.js';
import { IndicatorCache } from '../../engine/indicators/cache.js';
import { money, pct } from '../format/numbers.js';
import { price } from '../format/display.js';
import type { ScanPick } from '../../trading/scan/pick.js';
import type { PickCorrelation } from '../../trading/risk/card-correlation.js';
import { QUEUE_SEND_AFTER_OPEN_MIN, queueWindow, type MarketHours } from '../../engine/market-hours.js';
import { krQueueButtonLabel, krxQueueOfferLine, queueOfferLine } from './queue-view.js';
import { KRX_ALWAYS_OPEN, KRX_IOC_HOURS } from '../../engine/krx-hours.js';
import { pickTitle, showsSources, sourcesLines } from './pick-sources-view.js';
import { marketOfSymbol, type Market } from '../../engine/market/index.js';
import { kstClock, krLabel, krLevelLines, krSourcesLines, won } from './kr-pick-card.js';

/** A pick, as the card shows it; `name`: the listing's name where known (KR ETFs). */
export type PickView = ScanPick & { name?: string };

/** The pick's market, from its symbol (six digits: KRX); stored picks need no market column for it. */
export function pickMarket(p: { symbol: string }): Market {
  try {
    return marketOfSymbol(p.symbol);
  } catch {
    // A stored symbol the rule refuses was written by the US-only code: US, as it always was.
    return 'US';
  }
}

const CHART_BARS = 120;

/** Every card says how the stop works: no stop order rests at the broker. */
export const STOP_NOTE = 'Stop is checked once a day, near the close, on daily bars: no stop order is placed at the broker.';

/** What a card posted outside the session offers: the open queue's send time and expiry. */
export interface QueueOffer {
  /** Open + 1 min of the next session. */
  sendAt: Date;
  /** Open + 30 min: a queued order not sent by then expires. */
  expiresAt: Date;
  /** Whose open: absent = NYSE's (US). A KR card shows only a KR offer (KRX's open, in KST). */
  market?: Market;
}

/**
 * The queue offer of a card posted at `nowMs`: null while the market is open
 * (Approve orders at once), without `hours` (a renderer not told the market's
 * hours offers nothing) and beyond the calendar.
 */
export function queueOfferAt(hours: MarketHours | undefined, nowMs: number): QueueOffer | null {
  if (!hours || hours.isOpen(nowMs)) return null;
  const w = queueWindow(hours, nowMs);
  return w ? { sendAt: w.sendAt, expiresAt: w.expiresAt } : null;
}

/**
 * The queue offer of `pick`'s card posted at `nowMs`, on its own market's hours: NYSE's
 * (`usHours`, the renderer's) for a US pick, KRX's continuous session for a KR pick (always
 * open when `usHours` are, so tests of the fill path offer no queue for either). Null while
 * that market takes orders, or without `usHours` (a renderer not told the hours offers nothing).
 */
export function cardQueueOffer(pick: { symbol: string }, usHours: MarketHours | undefined, nowMs: number): QueueOffer | null {
  if (pickMarket(pick) !== 'KR') return queueOfferAt(usHours, nowMs);
  if (!usHours) return null;
  const offer = queueOfferAt(usHours.name === 'always' ? KRX_ALWAYS_OPEN : KRX_IOC_HOURS, nowMs);
  return offer ? { ...offer, market: 'KR' } : null;
}

/** The label of the card's queue button for `offer`: NYSE's as always, KRX's naming its open in KST. */
export function queueButtonLabel(offer: QueueOffer, usLabel: string): string {
  return offer.market === 'KR' ? krQueueButtonLabel(offer.sendAt.getTime() - QUEUE_SEND_AFTER_OPEN_MIN * 60_000) : usLabel;
}

/**
 * The card caption: what, levels, size and risk, why, and a DEMO or data-date
 * stamp; with `queue` (posted outside the session), when Queue for the open
 * would send it and when it would expire.
 */
export function pickCaption(p: PickView, expiresLabel: string, queue: QueueOffer | null = null, correlation: PickCorrelation | null = null): FmtString {
  if (pickMarket(p) === 'KR') return krPickCaption(p, queue?.market === 'KR' ? queue : null);
  const title = pickTitle(p);
  return join(
    [
      fmt`📈 ${bold(p.symbol)} · ${title}${p.demo ? ' · DEMO' : ''}`,
      // price(): levels are on the tick, so a sub-dollar level shows its 4 decimals (toFixed(2) would make qty × (entry − stop) miss the risk).
      `Entry (limit) ${price(p.entry)} · Stop ${price(p.stop)} · Target ${p.target === null ? '—' : price(p.target)}`,
      `Qty ${p.qty} · risk ${money(p.dollarRisk)} if the stop fills`,
      // What it moves with (the correlation limit, issue 21): only when it moves with something, or something could not be measured.
      ...(correlation ? correlationLines(correlation) : []),
      // Several sources, or a half-Kelly size: say who signalled and how the size was reached.
      ...(showsSources(p.sources) ? sourcesLines({ strategy: p.strategy, qty: p.qty, sources: p.sources }) : []),
      `Why: ${p.reasons.join('; ')}`,
      STOP_NOTE,
      ...(queue ? [queueOfferLine(queue.sendAt, queue.expiresAt)] : []),
      `${p.demo ? 'DEMO data (synthetic)' : 'Data'} as of ${p.sessionDate} · pick ${p.id} · approve by ${expiresLabel}`,
    ],
    '\n',
  );
}

/**
 * A KR card: whole won, the ETF's name, the deadline in KST; with a KR `queue` offer (posted while
 * KRX takes no orders), when ⏰ Queue for the KRX open would send it and when it would expire, in
 * KST. No correlation line (it sums the open book's dollars); the renderer's New York deadline
 * label is replaced by the KST one.
 */
function krPickCaption(p: PickView, queue: QueueOffer | null): FmtString {
  return join(
    [
      fmt`📈 ${bold(krLabel(p))} · ${pickTitle(p)}${p.demo ? ' · DEMO' : ''}`,
      ...krLevelLines(p),
      ...(showsSources(p.sources) ? krSourcesLines({ strategy: p.strategy, qty: p.qty, sources: p.sources }) : []),
      `Why: ${p.reasons.join('; ')}`,
      STOP_NOTE,
      ...(queue ? [krxQueueOfferLine(queue.sendAt, queue.expiresAt)] : []),
      `${p.demo ? 'DEMO data (synthetic)' : 'Data'} as of ${p.sessionDate} (KRX) · pick ${p.id} · approve by ${kstClock(p.expiresAt)}`,
    ],
    '\n',
  );
}

/** Candles (last ~120 bars) with SMA200, the strategy's channel, entry/stop/target lines and the signal candle marked. */
export function pickChartSpec(p: PickView, series: BarSeries): CandleChartSpec {
  const n = series.dates.length;
  const from = Math.max(0, n - CHART_BARS);
  const cache = new IndicatorCache(series);
  const tail = (a: Float64Array) => Array.from(a.subarray(from), (v) => (Number.isFinite(v) ? v : null));
  const overlays: Overlay[] = [{ name: 'SMA200', values: tail(cache.sma(200)), color: '#6d28d9' }];
  if (p.strategy === 'donchian') overlays.push({ name: 'Donchian 55 high', values: tail(cache.donchianUpper(55)), color: '#0ea5e9', dashed: true });
  else if (p.strategy === 'turtle_soup') overlays.push({ name: '20-day low', values: tail(cache.donchianLower(20).lower), color: '#0ea5e9', dashed: true });
  const bars = candlesFromSeries(series, CHART_BARS);
  // The signal came from the close of its session: the last bar, unless newer bars were stored since
  // (a session outside the window gets no marker rather than a wrong one).
  const signal = bars.findLastIndex((b) => b.date === p.sessionDate);
  // KR levels are labelled in won (the default label prints two decimals).
  const kr = pickMarket(p) === 'KR';
  const level = (role: 'entry' | 'stop' | 'target', at: number, name: string) => (kr ? { role, price: at, label: `${name} ${won(at)}` } : { role, price: at });
  return {
    kind: 'candles',
    title: `${kr ? krLabel(p) : p.symbol} · ${pickTitle(p)} · ${p.sessionDate}`,
    bars,
    overlays,
    ...(signal >= 0 ? { signalIndex: signal } : {}),
    levels: [level('entry', p.entry, 'Entry'), level('stop', p.stop, 'Stop'), ...(p.target === null ? [] : [level('target', p.target, 'Target')])],
    ...(p.demo ? { watermark: 'DEMO' } : {}),
  };
}

/** `0.93`, or `n/a` for a correlation that could not be measured. */
function rho(r: number | null): string {
  return r === null || !Number.isFinite(r) ? 'n/a' : r.toFixed(2);
}

/**
 * The card's correlation lines: the open positions (and entries in flight) it moves with and the
 * cluster's open risk before and after it against the cap; the scan's other picks it moves with;
 * the symbols whose correlation could not be measured. Each sum recomputes from what it shows.
 */
export function correlationLines(c: PickCorrelation): string[] {
  const lines: string[] = [];
  const open = c.positions.map((m, i) => `${m.symbol} (${i === 0 ? 'correlation ' : ''}${rho(m.rho)}${m.rho === null || m.rho < c.corrLimit ? ', linked through the others' : ''})`);
  const peers = c.candidates.map((m, i) => `${m.symbol} (${i === 0 && open.length === 0 ? 'correlation ' : ''}${rho(m.rho)})`);
  if (open.length > 0 || peers.length > 0) {
    const parts = [...(open.length ? [`open ${open.join(', ')}`] : []), ...(peers.length ? [`this scan's ${peers.join(', ')}`] : [])];
    lines.push(`🔗 Moves with ${parts.join('; and with ')} (daily returns correlated at ${rho(c.corrLimit)} or more)`);
  }
  if (open.length > 0) {
    lines.push(
      `Cluster risk ${money(c.riskBefore)} + this pick's ${money(c.pickRisk)} = ${money(c.riskAfter)}, ${pct(c.riskAfterPct / 100)} of equity ${money(c.equity)} (limit ${pct(c.maxClusterRiskPct / 100)})` +
        (c.overLimit ? ' — over the limit: ✅ Approve will be refused unless a position in it is closed first.' : ''),
    );
  } else if (peers.length > 0) {
    lines.push('Approving more than one of them adds up to one bet.');
  }
  if (c.unmeasured.length > 0) lines.push(`Correlation not measured (too few shared sessions): ${c.unmeasured.join(', ')}`);
  return lines;
}
