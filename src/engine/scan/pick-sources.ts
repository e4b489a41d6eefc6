import type { CapName, CapStep, KellyRefusalReason, RiskRule, KellyEstimate } from '../allocation/types.js';
import type { FamilyId } from '../patterns/types.js';
import type { SignalSourceId } from '../signal.js';

/**
 * How one source sized its proposal for a pick, as figures (JSON-safe: it
 * is stored with the pick so a card shown after a restart still says how
 * its size was reached).
 */
export type SourceSizing = FixedSourceSizing | KellySourceSizing | RefusedSourceSizing;

/** The Kobe strategies' sizing (unless KOBE_SIZING=kelly): a fixed fraction of equity at risk, capped by position size. */
export interface FixedSourceSizing {
  method: 'fixed';
  equity: number;
  /** Fraction of equity at risk per trade, e.g. 0.005. */
  riskFraction: number;
  /** Largest position as a fraction of equity, e.g. 0.1. */
  maxPositionFraction: number;
  /** Which limit decided the quantity. */
  limitedBy: 'risk' | 'position_cap';
}

/**
 * Half-Kelly (DESIGN section 10), with every number behind it: the
 * estimate from the source's closed trades in R (n, wins, losses, p, b, f,
 * shrink), the rule and risk it chose, the quantity before the caps and
 * each cap's step, and the inputs the caps read.
 */
export interface KellySourceSizing extends KellyEstimate {
  method: 'kelly';
  equity: number;
  rule: RiskRule;
  /** Fraction of equity risked at the stop. */
  riskFraction: number;
  /** riskFraction × equity. */
  riskDollars: number;
  /** entry − stop. */
  riskPerShare: number;
  /** floor(riskDollars / riskPerShare), before the caps. */
  kellyQty: number;
  caps: CapStep[];
  /** The cap that set the final quantity; null when none lowered it. */
  boundBy: CapName | null;
  /** The caps' inputs: EXEC-style position cap (a percentage), the source's open positions, cash, session risk used. */
  maxPositionPct: number;
  openNotional: number;
  cashAvailable: number;
  sessionRiskUsed: number;
}

/** Kelly refused the inputs (e.g. a stop on the tick equal to the entry): no size, qty 0. */
export interface RefusedSourceSizing {
  method: 'refused';
  reason: KellyRefusalReason;
  field: string;
}

/** One source of a pick: its own levels, reasons and size. */
export interface PickSource {
  /** A Kobe strategy or `hyp:<id>`. */
  source: SignalSourceId;
  /** The hypothesis's pattern family (hypothesis sources only). */
  family?: FamilyId;
  entry: number;
  stop: number;
  target: number | null;
  atr: number;
  timeStopBars: number;
  score: number;
  reasons: string[];
  qty: number;
  /** qty × (entry − stop) in whole cents. */
  dollarRisk: number;
  /** qty × entry in whole cents. */
  notional: number;
  sizing: SourceSizing;
}

/**
 * Whether a source may create a pick on its own. A Kelly source with no
 * size (no edge, a cap already full, refused inputs) takes no new risk, so
 * it makes no pick by itself; it is still listed (and its 0 still binds)
 * when another source signalled the same symbol and session. A fixed-size
 * Kobe source always proposes, as it always has (a 0 there means one share
 * breaks a limit, which the card shows).
 */
export function proposesPick(s: Pick<PickSource, 'qty' | 'sizing'>): boolean {
  return s.sizing.method === 'fixed' || s.qty > 0;
}
