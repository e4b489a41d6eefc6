/** Strategy identifiers known to the engine: the Kobe strategies. */
export type StrategyId = 'donchian' | 'turtle_soup';

export const STRATEGY_IDS: readonly StrategyId[] = ['donchian', 'turtle_soup'];

/**
 * A LIVE hypothesis as the source of a signal: `hyp:` + its short id (e.g.
 * `hyp:h1a2b3c4`). Pattern family ids include `donchian` and `turtle_soup`
 * too, so a hypothesis's signal is told apart by this prefix, never by its
 * family id.
 */
export type HypothesisSourceId = `hyp:${string}`;

/** What produced a signal (and so a pick): a Kobe strategy or a LIVE hypothesis. */
export type SignalSourceId = StrategyId | HypothesisSourceId;

const HYP_PREFIX = 'hyp:';

/** The source id of hypothesis `id` (its short id, e.g. `h1a2b3c4`). */
export function hypothesisSourceId(id: string): HypothesisSourceId {
  if (id.length === 0) throw new RangeError('a hypothesis source needs the hypothesis id (e.g. h1a2b3c4)');
  return `${HYP_PREFIX}${id}`;
}

/** True when `source` names a hypothesis (`hyp:<id>`). */
export function isHypothesisSource(source: string): source is HypothesisSourceId {
  return source.startsWith(HYP_PREFIX) && source.length > HYP_PREFIX.length;
}

/** The hypothesis id inside a `hyp:<id>` source, or null for any other source. */
export function hypothesisIdOf(source: string): string | null {
  return isHypothesisSource(source) ? source.slice(HYP_PREFIX.length) : null;
}

/** True when `source` is one of the Kobe strategies. */
export function isStrategyId(source: string): source is StrategyId {
  return (STRATEGY_IDS as readonly string[]).includes(source);
}

/**
 * A long entry idea produced at the close of bar `index` (date `date`).
 * Levels are fixed at the signal bar; the earliest fill is the next bar's open.
 */
export interface Signal {
  symbol: string;
  /** Its source: a Kobe strategy, or `hyp:<id>` for a LIVE hypothesis's signal. */
  strategy: SignalSourceId;
  /** Index of the signal bar in the series it was computed from. */
  index: number;
  date: string;
  close: number;
  stop: number;
  /** Absolute target price, or null when the strategy has no target. */
  target: number | null;
  atr: number;
  /** Exit after this many bars in the trade (bar 1 = entry bar). */
  timeStopBars: number;
  /** Higher is better; used to rank picks across the universe. */
  score: number;
  /** Human-readable conditions that fired, e.g. "close 101.2 > upper55 99.8". */
  reasons: string[];
}
