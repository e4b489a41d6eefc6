import { DEFAULT_MAX_POSITION_PCT } from '../allocation/constants.js';
import { sizeHalfKelly } from '../allocation/size.js';
import type { FamilyId } from '../patterns/types.js';
import type { Signal } from '../signal.js';
import type { PickSource } from './pick-sources.js';
import { suggestSize, type SizingPolicy } from './sizing.js';

/** What half-Kelly sizing of one source reads besides the signal. Money in the market's currency. */
export interface KellySourceContext {
  equity: number;
  /** Position cap as a percentage of equity (EXEC_MAX_POSITION_PCT style); default 10. */
  maxPositionPct?: number;
  /** The source's closed trades in R multiples (a hypothesis's shadow book). */
  closedR: readonly number[];
  /** Dollars in the source's open positions now (the 40 % cap). */
  openNotional: number;
  /** Cash available in the account now (the 10 % reserve). */
  cashAvailable: number;
  /** Risk at the stops already taken by new positions this session (the 2 % cap). */
  sessionRiskUsed: number;
}

/** Dollars to whole cents, without float noise. */
function toCents(dollars: number): number {
  return Math.round(dollars * 100) / 100;
}

function levels(signal: Signal, family: FamilyId | undefined): Omit<PickSource, 'qty' | 'dollarRisk' | 'notional' | 'sizing'> {
  return {
    source: signal.strategy,
    ...(family === undefined ? {} : { family }),
    entry: signal.close,
    stop: signal.stop,
    target: signal.target,
    atr: signal.atr,
    timeStopBars: signal.timeStopBars,
    score: signal.score,
    reasons: [...signal.reasons],
  };
}

/** A source sized the Kobe way: {@link suggestSize} with the scan's policy. */
export function sizeFixedSource(signal: Signal, policy: SizingPolicy, family?: FamilyId): PickSource {
  const s = suggestSize(signal, policy);
  return {
    ...levels(signal, family),
    qty: s.qty,
    dollarRisk: s.dollarRisk,
    notional: s.notional,
    sizing: { method: 'fixed', equity: policy.equity, riskFraction: policy.riskFraction, maxPositionFraction: policy.maxPositionFraction, limitedBy: s.limitedBy },
  };
}

/**
 * A source sized by half-Kelly ({@link sizeHalfKelly}, DESIGN section 10)
 * at the signal's entry (its close) and stop, both on the tick. No edge or
 * inputs Kelly refuses give qty 0 (see {@link proposesPick}).
 */
export function sizeKellySource(signal: Signal, ctx: KellySourceContext, family?: FamilyId): PickSource {
  const maxPositionPct = ctx.maxPositionPct ?? DEFAULT_MAX_POSITION_PCT;
  const r = sizeHalfKelly({
    rMultiples: ctx.closedR,
    equity: ctx.equity,
    entry: signal.close,
    stop: signal.stop,
    maxPositionPct,
    hypothesisOpenValue: ctx.openNotional,
    cashAvailable: ctx.cashAvailable,
    sessionRiskUsed: ctx.sessionRiskUsed,
  });
  const base = levels(signal, family);
  if (!r.ok) return { ...base, qty: 0, dollarRisk: 0, notional: 0, sizing: { method: 'refused', reason: r.reason, field: r.field } };
  const e = r.estimate;
  return {
    ...base,
    qty: r.qty,
    dollarRisk: toCents(r.qty * r.riskPerShare),
    notional: toCents(r.qty * signal.close),
    sizing: {
      method: 'kelly',
      equity: ctx.equity,
      n: e.n,
      wins: e.wins,
      losses: e.losses,
      scratches: e.scratches,
      p: e.p,
      meanWinR: e.meanWinR,
      meanLossR: e.meanLossR,
      b: e.b,
      f: e.f,
      shrink: e.shrink,
      halfKellyShrunk: e.halfKellyShrunk,
      rule: r.rule,
      riskFraction: r.riskFraction,
      riskDollars: r.riskDollars,
      riskPerShare: r.riskPerShare,
      kellyQty: r.kellyQty,
      caps: r.caps,
      boundBy: r.boundBy,
      maxPositionPct,
      openNotional: ctx.openNotional,
      cashAvailable: ctx.cashAvailable,
      sessionRiskUsed: ctx.sessionRiskUsed,
    },
  };
}
