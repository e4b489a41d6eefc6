/**
 * Execution drift of one market (issue 21, part 3): how far entry fills land from the price the
 * card showed and from the signal bar's close, as a rolling median over the last
 * {@link SLIPPAGE_WINDOW} filled entries. Pure; the caller passes the fills oldest first.
 */

/** Filled entries the rolling median covers (the most recent ones). */
export const SLIPPAGE_WINDOW = 20;
/** Fewer fills than this in the window: too early to say (`too_few`). */
export const SLIPPAGE_MIN_FILLS = 5;

/** One filled entry (a buy): its average fill, the card's entry price, and the signal bar's close if known. */
export interface EntryFill {
  fillPrice: number;
  cardPrice: number;
  closePrice: number | null;
}

/** Slippage of a buy in basis points of `reference`: positive when it paid more. */
export function slippageBps(fill: number, reference: number): number {
  return ((fill - reference) / reference) * 10_000;
}

/** The median of `xs` (the mean of the two middle values for an even count); null when empty. */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** What {@link executionDrift} found for one market. */
export interface ExecutionDriftResult {
  /** Fills in the window. */
  fills: number;
  /** Rolling median of fill vs card, bps (null: no fills). */
  medianBps: number | null;
  /** Rolling median of fill vs the signal bar's close, bps, over the fills whose close is known. */
  medianVsCloseBps: number | null;
  state: 'ok' | 'wide' | 'too_few';
}

/**
 * The rolling medians of the last {@link SLIPPAGE_WINDOW} fills and whether the median against
 * the card is wider than `alertBps` (strictly: a median exactly at the level is still ok).
 */
export function executionDrift(fills: readonly EntryFill[], alertBps: number): ExecutionDriftResult {
  const window = fills.slice(-SLIPPAGE_WINDOW);
  const medianBps = median(window.map((f) => slippageBps(f.fillPrice, f.cardPrice)));
  const medianVsCloseBps = median(window.flatMap((f) => (f.closePrice !== null && f.closePrice > 0 ? [slippageBps(f.fillPrice, f.closePrice)] : [])));
  const state = window.length < SLIPPAGE_MIN_FILLS || medianBps === null ? 'too_few' : medianBps > alertBps ? 'wide' : 'ok';
  return { fills: window.length, medianBps, medianVsCloseBps, state };
}
