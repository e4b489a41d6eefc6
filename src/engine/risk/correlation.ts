import type { CloseSeries } from './returns.js';

/**
 * The correlation kernel of the correlation limit (issue 21 part 1). Pure: no I/O, no clock; every
 * figure comes from the closes it is given, and only closes on or before `asOf` count (no lookahead).
 *
 * A correlation is the Pearson correlation of two symbols' simple daily returns over the newest
 * `lookback` sessions they BOTH traded (see {@link alignedReturns}), each pair aligned on its own
 * (one young listing does not shorten every other pair's window).
 */

/** One pair's correlation: `rho` null when fewer than the minimum shared returns (or a flat series). */
export interface PairCorrelation {
  rho: number | null;
  /** Shared daily returns the figure rests on (0 without data). */
  sessions: number;
}

/** How a {@link Correlator} measures. */
export interface CorrelationWindow {
  /** Daily returns per pair (CORR_LOOKBACK, default 60). */
  lookback: number;
  /** The judged session (`YYYY-MM-DD`): no close after it is read. */
  asOf: string;
  /**
   * Fewest shared returns a correlation is computed from; below it the pair is "not measured"
   * (never linked, and named as such). Default {@link minSharedReturns}(lookback).
   */
  minReturns?: number;
}

/** Half the lookback, at least 3: fewer shared returns than that say too little to link two symbols. */
export function minSharedReturns(lookback: number): number {
  return Math.max(3, Math.ceil(lookback / 2));
}

/** Pearson correlation of two equally long samples; null when either has no variance or fewer than 2 values. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const n = Math.min(a.length, b.length);
  if (n < 2) return null;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (!(saa > 0) || !(sbb > 0)) return null;
  // Rounded to 12 decimals: a perfect clone at another price (returns equal to the last bit or two)
  // is exactly 1, so it meets any limit up to 1; the clamp keeps rounding inside [-1, 1].
  const r = Math.round((sab / Math.sqrt(saa * sbb)) * 1e12) / 1e12;
  return Math.max(-1, Math.min(1, r));
}

/**
 * Pairwise correlations over one set of closes, memoised per pair (the open book's pairs are
 * measured once however many candidates are judged against it). A symbol with itself is exactly 1,
 * data or not: adding to a held symbol is the same bet.
 */
export class Correlator {
  private readonly memo = new Map<string, PairCorrelation>();
  private readonly minReturns: number;
  /** Per symbol: its usable sessions on or before asOf (valid closes), oldest first; built once. */
  private readonly usable = new Map<string, { dates: string[]; closes: Float64Array } | null>();
  private readonly ra: Float64Array;
  private readonly rb: Float64Array;

  constructor(
    private readonly series: ReadonlyMap<string, CloseSeries>,
    private readonly window: CorrelationWindow,
  ) {
    this.minReturns = window.minReturns ?? minSharedReturns(window.lookback);
    this.ra = new Float64Array(Math.max(1, window.lookback));
    this.rb = new Float64Array(Math.max(1, window.lookback));
  }

  /** Whether `symbol` has enough closes on or before `asOf` for a correlation at all. */
  measurable(symbol: string): boolean {
    const u = this.sessionsOf(symbol);
    return u !== null && u.dates.length - 1 >= this.minReturns;
  }

  /**
   * The correlation of `a` and `b` (symmetric). The same figures as {@link alignedReturns} of the
   * pair (shared sessions with valid closes up to asOf, the newest lookback + 1 of them), without
   * re-indexing every series for every pair: a pass over 50 candidates and 20 positions stays cheap.
   */
  pair(a: string, b: string): PairCorrelation {
    if (a === b) return { rho: 1, sessions: this.window.lookback };
    const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    const hit = this.memo.get(key);
    if (hit) return hit;
    const out = this.measure(a, b);
    this.memo.set(key, out);
    return out;
  }

  private measure(a: string, b: string): PairCorrelation {
    const x = this.sessionsOf(a);
    const y = this.sessionsOf(b);
    if (!x || !y) return { rho: null, sessions: 0 };
    // Walk both back from the newest, keeping shared sessions, until lookback + 1 closes (lookback returns).
    const want = this.window.lookback + 1;
    const ia: number[] = [];
    const ib: number[] = [];
    let i = x.dates.length - 1;
    let j = y.dates.length - 1;
    while (i >= 0 && j >= 0 && ia.length < want) {
      const di = x.dates[i]!;
      const dj = y.dates[j]!;
      if (di === dj) {
        ia.push(i--);
        ib.push(j--);
      } else if (di > dj) i--;
      else j--;
    }
    const sessions = Math.max(0, ia.length - 1);
    if (sessions < this.minReturns) return { rho: null, sessions };
    // ia/ib are newest first: return t (oldest first) is close[k] / close[k−1] − 1 between consecutive shared sessions.
    for (let t = 0; t < sessions; t++) {
      const newer = sessions - 1 - t;
      this.ra[t] = x.closes[ia[newer]!]! / x.closes[ia[newer + 1]!]! - 1;
      this.rb[t] = y.closes[ib[newer]!]! / y.closes[ib[newer + 1]!]! - 1;
    }
    return { rho: pearson(this.ra.subarray(0, sessions), this.rb.subarray(0, sessions)), sessions };
  }

  /** A symbol's usable sessions (see {@link alignedReturns}: finite positive closes, none after asOf), or null without at least two closes. */
  private sessionsOf(symbol: string): { dates: string[]; closes: Float64Array } | null {
    if (this.usable.has(symbol)) return this.usable.get(symbol)!;
    const s = this.series.get(symbol);
    let out: { dates: string[]; closes: Float64Array } | null = null;
    if (s && s.closes.length >= 2) {
      const byDate = new Map<string, number>();
      for (let i = 0; i < s.dates.length; i++) {
        const d = s.dates[i]!;
        const c = s.closes[i]!;
        if (d > this.window.asOf) continue;
        if (Number.isFinite(c) && c > 0) byDate.set(d, c);
      }
      const dates = [...byDate.keys()].sort();
      out = { dates, closes: Float64Array.from(dates, (d) => byDate.get(d)!) };
    }
    this.usable.set(symbol, out);
    return out;
  }
}

/** One member of the open book as the limit sees it: a position, or an entry sent but not booked yet. */
export interface RiskMember {
  symbol: string;
  kind: 'position' | 'in_flight';
  /** Dollars lost if its stop fills: (cost − stop) × qty, floored at 0 (the caller computes it: {@link openRisk}). */
  risk: number;
}

/**
 * Open risk of a holding: (cost − stop) × qty, floored at 0 (a stop at or above cost carries no open
 * risk: the stop locks in a gain); without a stop, the whole cost (everything can be lost).
 */
export function openRisk(qty: number, cost: number, stop: number | null): number {
  if (stop === null || !Number.isFinite(stop)) return qty * cost;
  return Math.max(0, (cost - stop) * qty);
}

/** Cents: the limit's dollar figures are summed in cents, so the shown sum recomputes exactly. */
export function cents(n: number): number {
  return Math.round(n * 100) / 100;
}

/** A symbol of the candidate's cluster, with its correlation with the candidate. */
export interface ClusterSymbol {
  symbol: string;
  /** Correlation with the candidate; may be below the limit (linked through another member) or null (not measured directly). */
  rho: number | null;
  /** Linked to the candidate directly (rho ≥ limit, or the same symbol), not only through a chain. */
  direct: boolean;
  /** Summed open risk of its members (cents). */
  risk: number;
}

/** What the correlation limit finds for one candidate. */
export interface CorrelationVerdict {
  /** The other symbols of the candidate's cluster, most correlated first (empty: the candidate moves alone). */
  cluster: ClusterSymbol[];
  /** The cluster's open risk without the candidate (cents). */
  riskBefore: number;
  /** The candidate's own risk (cents). */
  candidateRisk: number;
  /** riskBefore + candidateRisk (cents). */
  riskAfter: number;
  /** riskAfter as a % of equity (NaN when equity is not positive). */
  riskAfterPct: number;
  /** The cap in dollars: maxClusterRiskPct % of equity. */
  capDollars: number;
  /** Symbols whose correlation with the candidate could not be measured (too few shared sessions), the candidate's own when it has too few. */
  unmeasured: string[];
  /** The cluster is not alone and riskAfter exceeds the cap. */
  breaches: boolean;
}

/** The limit's settings and the account it judges against. */
export interface CorrelationLimit {
  /** CORR_LIMIT: pairs at or above it are linked. */
  corrLimit: number;
  /** CORR_CLUSTER_RISK_PCT: a cluster's open risk cap, % of equity. */
  maxClusterRiskPct: number;
  equity: number;
}

/**
 * The candidate's cluster: the connected component, over links "correlation ≥ corrLimit" (or the same
 * symbol), that holds the candidate, among the candidate and `members`; its open risk before and after
 * the candidate, and whether that breaches the cap. A cluster of the candidate alone never breaches
 * (a lone bet is the per-order gates' business). Pure.
 */
export function judgeCorrelation(corr: Correlator, candidate: { symbol: string; risk: number }, members: readonly RiskMember[], limit: CorrelationLimit): CorrelationVerdict {
  const symbols = [...new Set(members.map((m) => m.symbol))].sort();
  const riskOf = new Map<string, number>();
  for (const m of members) riskOf.set(m.symbol, (riskOf.get(m.symbol) ?? 0) + cents(Math.max(0, m.risk)));
  const linked = (a: string, b: string) => {
    const r = corr.pair(a, b).rho;
    return a === b || (r !== null && r >= limit.corrLimit);
  };
  // Breadth-first from the candidate: the symbols reached by a chain of links.
  const inCluster = new Set<string>();
  const queue = [candidate.symbol];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const s of symbols) {
      if (inCluster.has(s)) continue;
      if (linked(at, s)) {
        inCluster.add(s);
        queue.push(s);
      }
    }
  }
  const cluster: ClusterSymbol[] = [...inCluster]
    .map((s) => {
      const rho = corr.pair(candidate.symbol, s).rho;
      return { symbol: s, rho, direct: s === candidate.symbol || (rho !== null && rho >= limit.corrLimit), risk: cents(riskOf.get(s) ?? 0) };
    })
    .sort((x, y) => (y.rho ?? -2) - (x.rho ?? -2) || (x.symbol < y.symbol ? -1 : x.symbol > y.symbol ? 1 : 0));
  const riskBefore = cents(cluster.reduce((t, c) => t + c.risk, 0));
  const candidateRisk = cents(Math.max(0, candidate.risk));
  const riskAfter = cents(riskBefore + candidateRisk);
  const equityOk = Number.isFinite(limit.equity) && limit.equity > 0;
  const capDollars = equityOk ? (limit.equity * limit.maxClusterRiskPct) / 100 : Number.NaN;
  // Named, not refused: a pair without enough shared sessions is simply not linked.
  const unmeasured = [
    ...(corr.measurable(candidate.symbol) ? [] : [candidate.symbol]),
    ...symbols.filter((s) => s !== candidate.symbol && corr.pair(candidate.symbol, s).rho === null),
  ];
  return {
    cluster,
    riskBefore,
    candidateRisk,
    riskAfter,
    riskAfterPct: equityOk ? (riskAfter / limit.equity) * 100 : Number.NaN,
    capDollars,
    unmeasured,
    breaches: cluster.length > 0 && equityOk && riskAfter > capDollars + 1e-9,
  };
}
