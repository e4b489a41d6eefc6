/**
 * Daily closes of one symbol, oldest first: `dates[i]` (`YYYY-MM-DD`) is the session of `closes[i]`.
 * What the portfolio gates (correlation, value at risk) read; the caller loads it.
 */
export interface CloseSeries {
  readonly dates: readonly string[];
  readonly closes: readonly number[];
}

/** Simple daily returns of several symbols over the sessions they all share. */
export interface AlignedReturns {
  /** The symbols, in the order asked for, that had enough shared sessions (the rest are in `missing`). */
  readonly symbols: readonly string[];
  /** The session each return ends on, oldest first (`dates.length === rows`). */
  readonly dates: readonly string[];
  /** `returns[s][t]`: symbol `symbols[s]`'s return from the shared session before `dates[t]` to `dates[t]`. */
  readonly returns: readonly Float64Array[];
  /** Symbols asked for without a series, or with fewer than two usable closes. */
  readonly missing: readonly string[];
}

/**
 * Aligns the returns of `symbols` on the sessions present in EVERY series (a symbol missing a day
 * would otherwise pair returns of different days), then keeps the newest `lookback` of them. Only
 * closes on or before `asOf` count (no lookahead: a gate judged on day D never sees D+1). Pure.
 * A return is close[t] / close[t-1] − 1 between consecutive SHARED sessions; non-positive or
 * non-finite closes drop that session for everyone.
 */
export function alignedReturns(series: ReadonlyMap<string, CloseSeries>, symbols: readonly string[], lookback: number, asOf?: string): AlignedReturns {
  const usable: string[] = [];
  const missing: string[] = [];
  for (const sym of symbols) {
    const s = series.get(sym);
    if (!s || s.closes.length < 2) missing.push(sym);
    else if (!usable.includes(sym)) usable.push(sym);
  }
  if (usable.length === 0) return { symbols: [], dates: [], returns: [], missing };
  // Sessions shared by every usable series, with a valid close in each.
  const byDate = usable.map((sym) => {
    const s = series.get(sym)!;
    const m = new Map<string, number>();
    for (let i = 0; i < s.dates.length; i++) {
      const d = s.dates[i]!;
      const c = s.closes[i]!;
      if (asOf !== undefined && d > asOf) continue;
      if (Number.isFinite(c) && c > 0) m.set(d, c);
    }
    return m;
  });
  const shared = [...byDate[0]!.keys()].filter((d) => byDate.every((m) => m.has(d))).sort();
  const keep = shared.slice(Math.max(0, shared.length - (lookback + 1)));
  if (keep.length < 2) return { symbols: [], dates: [], returns: [], missing: [...missing, ...usable] };
  const rows = keep.length - 1;
  const returns = byDate.map((m) => {
    const r = new Float64Array(rows);
    for (let t = 1; t < keep.length; t++) r[t - 1] = m.get(keep[t]!)! / m.get(keep[t - 1]!)! - 1;
    return r;
  });
  return { symbols: usable, dates: keep.slice(1), returns, missing };
}
