import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../audit/canonical-json.js';
import type { CommissionModel, Sizing } from '../../engine/backtest/index.js';
import { STRATEGY_IDS, type StrategyId } from '../../engine/signal.js';
import { STRATEGIES, StrategyParamError, type StrategyDef } from '../../engine/strategies/index.js';
import { isIsoDate } from '../../lib/dates.js';
import { TICKER_PATTERN, parseSymbol } from '../../engine/market/symbols.js';
import { SymbolError } from '../../engine/market/errors.js';
import { DEFAULT_KR_COMMISSION_RATE } from '../../engine/market/fees.js';
import type { Market } from '../../engine/market/markets.js';

/**
 * A backtest request, normalised: every strategy's parameters fully resolved,
 * symbols upper-cased, sorted and unique, defaults filled in. Two requests
 * that mean the same thing serialise to the same canonical JSON and so share
 * one {@link requestHash}; the data they ran on is fingerprinted separately.
 */
export interface BacktestRequest {
  /** Bumped when the meaning of a field (or of the simulation) changes, so old runs are not reused. */
  v: 1;
  /** Sorted by id, each with its complete parameter set. */
  strategies: { id: StrategyId; params: Record<string, unknown> }[];
  /** Which symbols: an explicit list, or a named universe (`default`: the bundled ~900 symbols / the bars store's). */
  universe: { kind: 'symbols'; symbols: string[] } | { kind: 'universe'; name: string };
  /** Inclusive ISO dates; null = from the first / to the last bar. */
  from: string | null;
  to: string | null;
  sizing: Sizing;
  slippageBps: number;
  initialCash: number;
  commission: CommissionModel;
  walkForward: WalkForwardSettings | null;
  monteCarlo: { runs: number; seed: number } | null;
  /** Buy-and-hold comparison symbol, used when the data has it. */
  benchmark: string;
  /**
   * `KR`: a KRX backtest (KR bars in won, KRX sessions, fills on the KRX ETF tick, the KIS
   * commission). Absent for US, so a US request serialises (and hashes) exactly as before KR existed.
   */
  market?: 'KR';
}

export interface WalkForwardSettings {
  trainBars: number;
  testBars: number;
  stepBars: number;
  objective: 'sharpe' | 'cagr' | 'profit_factor';
}

/** The strategy choices users type; `all` runs every strategy in one portfolio. */
export const STRATEGY_CHOICES = [...STRATEGY_IDS, 'all'] as const;
export type StrategyChoice = (typeof STRATEGY_CHOICES)[number];

export const DEFAULT_SIZING: Sizing = { kind: 'risk', pct: 0.01 };
export const DEFAULT_SLIPPAGE_BPS = 5;
export const DEFAULT_INITIAL_CASH = 100_000;
export const DEFAULT_BENCHMARK = 'SPY';
/**
 * Initial capital of a KR backtest: ₩10,000,000, the default of PAPER_STARTING_CASH_KR (the KR
 * paper book). A fixed figure, as the US default is, so one request means one run whatever the env says.
 */
export const DEFAULT_INITIAL_CASH_KR = 10_000_000;
/** The KR benchmark: KODEX 200 (069500), buy-and-hold, from real stored bars only. */
export const DEFAULT_BENCHMARK_KR = '069500';
export const DEFAULT_WALK_FORWARD: WalkForwardSettings = { trainBars: 252, testBars: 63, stepBars: 63, objective: 'sharpe' };
export const DEFAULT_MONTE_CARLO_SEED = 1;
/** Upper bound on Monte Carlo runs (10k take well under a second; more is noise). */
export const MAX_MONTE_CARLO_RUNS = 1_000_000;

/** A request that cannot be run as given; the message says what to type instead. */
export class BacktestInputError extends Error {
  override readonly name = 'BacktestInputError';
}


const sizingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('shares'), n: z.number().int().positive() }),
  z.strictObject({ kind: z.literal('dollars'), n: z.number().positive() }),
  z.strictObject({ kind: z.literal('equity'), pct: z.number().positive().max(1) }),
  z.strictObject({ kind: z.literal('risk'), pct: z.number().positive().max(1) }),
]);

const commissionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('per_share'), perShare: z.number().nonnegative(), minimum: z.number().nonnegative() }),
  z.strictObject({ kind: z.literal('bps'), bps: z.number().nonnegative() }),
  z.strictObject({ kind: z.literal('krw_rate'), rate: z.number().nonnegative().max(0.01) }),
]);

const isoDate = z.string().refine(isIsoDate, 'must be a YYYY-MM-DD date');

/** Shape check of a stored or queued request (strategy params are re-validated by {@link normaliseRequest}). */
export const backtestRequestSchema = z.strictObject({
  v: z.literal(1),
  strategies: z.array(z.strictObject({ id: z.enum(STRATEGY_IDS as [StrategyId, ...StrategyId[]]), params: z.record(z.string(), z.unknown()) })).min(1),
  universe: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('symbols'), symbols: z.array(z.string().regex(TICKER_PATTERN)).min(1).max(5000) }),
    z.strictObject({ kind: z.literal('universe'), name: z.string().regex(/^[a-z0-9_-]{1,32}$/) }),
  ]),
  from: isoDate.nullable(),
  to: isoDate.nullable(),
  sizing: sizingSchema,
  slippageBps: z.number().nonnegative().max(10_000),
  initialCash: z.number().positive(),
  commission: commissionSchema,
  walkForward: z
    .strictObject({
      trainBars: z.number().int().positive(),
      testBars: z.number().int().positive(),
      stepBars: z.number().int().positive(),
      objective: z.enum(['sharpe', 'cagr', 'profit_factor']),
    })
    .nullable(),
  monteCarlo: z.strictObject({ runs: z.number().int().positive().max(MAX_MONTE_CARLO_RUNS), seed: z.number().int() }).nullable(),
  benchmark: z.string().regex(TICKER_PATTERN),
  market: z.literal('KR').optional(),
});

/** What callers fill in; everything but the strategies has a default. */
export interface BacktestRequestInput {
  strategies: readonly StrategyId[];
  /** Per strategy `k=v` overrides (already split by strategy). */
  params?: Partial<Record<StrategyId, readonly string[]>>;
  symbols?: readonly string[] | null;
  universe?: string;
  from?: string | null;
  to?: string | null;
  sizing?: Sizing;
  slippageBps?: number;
  initialCash?: number;
  commission?: CommissionModel;
  walkForward?: boolean | WalkForwardSettings;
  monteCarloRuns?: number | null;
  seed?: number;
  benchmark?: string;
  /** The market asked for (`/backtest … kr`, `--market kr`); absent: inferred from the symbols (US when none say otherwise). */
  market?: Market;
  /** KR: the KIS commission as a fraction of the fill's value (config.kr.commissionRate); default {@link DEFAULT_KR_COMMISSION_RATE}. */
  krCommissionRate?: number;
}

/** The market of a request: KR when it says so, else US. */
export function requestMarket(request: Pick<BacktestRequest, 'market'>): Market {
  return request.market === 'KR' ? 'KR' : 'US';
}

/** `kr`/`us` (any case) as a market; null for anything else. */
export function parseMarketWord(raw: string): Market | null {
  const s = raw.trim().toUpperCase();
  return s === 'KR' || s === 'US' ? s : null;
}

function defOf(id: StrategyId): StrategyDef<object> {
  // Each strategy has its own params type; through the id-indexed registry they are opaque objects.
  return STRATEGIES[id] as unknown as StrategyDef<object>;
}

/** Parses `donchian|turtle_soup|all` (also `turtle`/`soup`/`ts` for turtle_soup) into strategy ids. */
export function parseStrategyChoice(raw: string | undefined): StrategyId[] {
  const s = (raw ?? '').trim().toLowerCase().replace(/-/g, '_');
  if (s === 'all') return [...STRATEGY_IDS];
  if (s === 'turtle' || s === 'soup' || s === 'ts' || s === 'turtlesoup') return ['turtle_soup'];
  if ((STRATEGY_IDS as readonly string[]).includes(s)) return [s as StrategyId];
  throw new BacktestInputError(`unknown strategy "${(raw ?? '').slice(0, 30)}"; choose one of ${STRATEGY_CHOICES.join(', ')}`);
}

/**
 * Splits `--param` pairs between strategies. With one strategy `k=v` applies
 * to it; `strategy.k=v` names the strategy explicitly and is required with
 * `all` so a key shared by both strategies is never applied by accident.
 */
export function splitParamPairs(strategies: readonly StrategyId[], pairs: readonly string[]): Partial<Record<StrategyId, string[]>> {
  const out: Partial<Record<StrategyId, string[]>> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq) : pair;
    const dot = key.indexOf('.');
    let target: StrategyId;
    let rest = pair;
    if (dot > 0) {
      const name = key.slice(0, dot).toLowerCase().replace(/-/g, '_');
      if (!(STRATEGY_IDS as readonly string[]).includes(name)) {
        throw new BacktestInputError(`--param ${pair}: "${key.slice(0, dot)}" is not a strategy (use ${STRATEGY_IDS.map((s) => `${s}.key=value`).join(' or ')})`);
      }
      target = name as StrategyId;
      if (!strategies.includes(target)) throw new BacktestInputError(`--param ${pair}: strategy ${target} is not part of this backtest`);
      rest = pair.slice(dot + 1);
    } else if (strategies.length === 1) {
      target = strategies[0]!;
    } else {
      throw new BacktestInputError(`--param ${pair}: with several strategies write strategy.key=value, e.g. ${strategies[0]}.${pair}`);
    }
    (out[target] ??= []).push(rest);
  }
  return out;
}

/**
 * Parses a sizing spec: `shares:N` (fixed share count), `dollars:N` (fixed
 * notional), `equity:PCT` (percent of equity per position) or `risk:PCT`
 * (percent of equity lost at the stop). PCT is in percent (`risk:1` = 1%)
 * and may end in `%`.
 */
export function parseSizingSpec(raw: string): Sizing {
  const m = /^\s*(shares|dollars|equity|risk)\s*[:=]\s*([0-9]*\.?[0-9]+(?:e[-+]?\d+)?)\s*(%?)\s*$/i.exec(raw);
  const help = 'expected shares:N, dollars:N, equity:PCT or risk:PCT (PCT in percent, e.g. risk:1 for 1%)';
  if (!m) throw new BacktestInputError(`bad sizing "${raw.slice(0, 40)}": ${help}`);
  const kind = m[1]!.toLowerCase() as Sizing['kind'];
  const v = Number(m[2]);
  if (!Number.isFinite(v) || v <= 0) throw new BacktestInputError(`bad sizing "${raw}": the number must be positive`);
  if (m[3] && (kind === 'shares' || kind === 'dollars')) throw new BacktestInputError(`bad sizing "${raw}": ${kind} takes a plain number, not a percentage`);
  switch (kind) {
    case 'shares':
      if (!Number.isInteger(v)) throw new BacktestInputError(`bad sizing "${raw}": shares must be a whole number`);
      return { kind, n: v };
    case 'dollars':
      return { kind, n: v };
    case 'equity':
    case 'risk':
      if (v > 100) throw new BacktestInputError(`bad sizing "${raw}": a percentage must be at most 100`);
      return { kind, pct: v / 100 };
  }
}

/** Formats a sizing back into the spec users type. */
export function formatSizing(s: Sizing): string {
  switch (s.kind) {
    case 'shares':
    case 'dollars':
      return `${s.kind}:${s.n}`;
    case 'equity':
    case 'risk':
      return `${s.kind}:${+(s.pct * 100).toPrecision(12)}%`;
  }
}

/** Validates an ISO date argument. */
export function parseIsoDate(raw: string, what: string): string {
  if (!isIsoDate(raw)) throw new BacktestInputError(`${what} "${raw.slice(0, 30)}" is not a valid YYYY-MM-DD date`);
  return raw;
}

/** One symbol and the market it trades on; `what` names the field in messages. */
function marketSymbol(raw: string, what: string): { symbol: string; market: Market } {
  const s = raw.trim().toUpperCase();
  if (!TICKER_PATTERN.test(s)) throw new BacktestInputError(`${what} "${raw.slice(0, 20)}" is not a ticker symbol`);
  try {
    return parseSymbol(s);
  } catch (err) {
    // The ticker rule passed but the market model refused it (a KRX code with .KS or an A prefix): its message says what to type.
    if (err instanceof SymbolError) throw new BacktestInputError(`${what} ${err.message}`);
    throw err;
  }
}

/** "SPY, QQQ" or "SPY, QQQ, IWM and 4 more". */
function few(list: readonly string[]): string {
  return list.length <= 3 ? list.join(', ') : `${list.slice(0, 3).join(', ')} and ${list.length - 3} more`;
}

/**
 * The market of a symbol list: the one asked for, else the one the symbols
 * name. A backtest runs one market in one currency (there is no FX rate), so
 * US tickers and KRX codes together are refused, and so is a symbol of the
 * other market than the one asked for.
 */
export function symbolsMarket(symbols: readonly string[], asked?: Market): Market {
  const us: string[] = [];
  const kr: string[] = [];
  for (const raw of symbols) {
    const p = marketSymbol(raw, 'symbol');
    (p.market === 'KR' ? kr : us).push(p.symbol);
  }
  if (us.length > 0 && kr.length > 0) {
    throw new BacktestInputError(
      `mixes US tickers (${few(us)}) and KRX codes (${few(kr)}): a backtest runs one market in one currency (there is no exchange rate between dollars and won); backtest them separately, e.g. /backtest donchian us ${us[0]} and /backtest donchian kr ${kr[0]}`,
    );
  }
  const named: Market | null = kr.length > 0 ? 'KR' : us.length > 0 ? 'US' : null;
  if (asked !== undefined && named !== null && named !== asked) {
    const list = named === 'KR' ? kr : us;
    throw new BacktestInputError(
      `${few(list)} ${list.length === 1 ? (named === 'KR' ? 'is a KRX code' : 'is a US ticker') : named === 'KR' ? 'are KRX codes' : 'are US tickers'}, but this backtest is for ${asked}: drop the market word, or use ${named === 'KR' ? 'kr (--market kr)' : 'us (--market us)'}`,
    );
  }
  return asked ?? named ?? 'US';
}

/**
 * Upper-cases, validates, sorts and de-duplicates the symbols of a backtest on `market`
 * (every symbol must trade there: see {@link symbolsMarket}).
 */
export function normaliseSymbols(symbols: readonly string[], market: Market = 'US'): string[] {
  symbolsMarket(symbols, market);
  const out = new Set<string>();
  for (const raw of symbols) out.add(marketSymbol(raw, 'symbol').symbol);
  if (out.size === 0) throw new BacktestInputError('no symbols given');
  return [...out].sort();
}

/** The benchmark of a backtest on `market`, which must trade there (no FX between a won portfolio and a dollar index). */
function benchmarkSymbol(raw: string, market: Market): string {
  const p = marketSymbol(raw, 'benchmark');
  if (p.market !== market) {
    throw new BacktestInputError(`benchmark ${p.symbol} is ${p.market === 'KR' ? 'a KRX code' : 'a US ticker'} but the backtest is for ${market}; use ${market === 'KR' ? DEFAULT_BENCHMARK_KR : DEFAULT_BENCHMARK} or leave the benchmark out`);
  }
  return p.symbol;
}

function resolveParams(id: StrategyId, pairs: readonly string[]): Record<string, unknown> {
  try {
    return { ...defOf(id).parseParams(pairs) } as Record<string, unknown>;
  } catch (err) {
    if (err instanceof StrategyParamError) throw new BacktestInputError(err.message);
    throw err;
  }
}

/** Builds a normalised request; throws {@link BacktestInputError} for anything invalid. */
export function buildRequest(input: BacktestRequestInput): BacktestRequest {
  const ids = [...new Set(input.strategies)].sort();
  if (ids.length === 0) throw new BacktestInputError('no strategy given');
  const from = input.from ?? null;
  const to = input.to ?? null;
  if (from !== null) parseIsoDate(from, 'from date');
  if (to !== null) parseIsoDate(to, 'to date');
  if (from !== null && to !== null && from > to) throw new BacktestInputError(`from date ${from} is after to date ${to}`);
  const slippageBps = input.slippageBps ?? DEFAULT_SLIPPAGE_BPS;
  if (!Number.isFinite(slippageBps) || slippageBps < 0 || slippageBps > 10_000) throw new BacktestInputError(`slippage must be between 0 and 10000 bps, got ${slippageBps}`);
  const symbols = input.symbols && input.symbols.length > 0 ? input.symbols : null;
  const market = symbols ? symbolsMarket(symbols, input.market) : (input.market ?? 'US');
  const kr = market === 'KR';
  const initialCash = input.initialCash ?? (kr ? DEFAULT_INITIAL_CASH_KR : DEFAULT_INITIAL_CASH);
  if (!Number.isFinite(initialCash) || initialCash <= 0) throw new BacktestInputError(`initial cash must be a positive number, got ${initialCash}`);
  const krRate = input.krCommissionRate ?? DEFAULT_KR_COMMISSION_RATE;
  if (kr && (!Number.isFinite(krRate) || krRate < 0 || krRate > 0.01)) throw new BacktestInputError(`the KR commission rate must be a fraction from 0 to 0.01 of the fill's value, got ${krRate}`);
  const mcRuns = input.monteCarloRuns ?? null;
  if (mcRuns !== null && (!Number.isInteger(mcRuns) || mcRuns < 1 || mcRuns > MAX_MONTE_CARLO_RUNS)) {
    throw new BacktestInputError(`Monte Carlo runs must be a whole number from 1 to ${MAX_MONTE_CARLO_RUNS}, got ${mcRuns}`);
  }
  const seed = input.seed ?? DEFAULT_MONTE_CARLO_SEED;
  if (!Number.isSafeInteger(seed)) throw new BacktestInputError(`seed must be a whole number, got ${seed}`);
  const wf = input.walkForward === true ? DEFAULT_WALK_FORWARD : input.walkForward ? input.walkForward : null;
  if (wf && wf.stepBars < wf.testBars) throw new BacktestInputError('walk-forward step must be at least the test window');
  const request: BacktestRequest = {
    v: 1,
    strategies: ids.map((id) => ({ id, params: resolveParams(id, input.params?.[id] ?? []) })),
    universe: symbols ? { kind: 'symbols', symbols: normaliseSymbols(symbols, market) } : { kind: 'universe', name: input.universe ?? 'default' },
    from,
    to,
    sizing: input.sizing ?? DEFAULT_SIZING,
    slippageBps,
    initialCash,
    // KR: the KIS commission on both sides, whole won; no sell tax (ETFs carry no 증권거래세).
    commission: input.commission ?? (kr ? { kind: 'krw_rate', rate: krRate } : { kind: 'none' }),
    walkForward: wf ? { ...wf } : null,
    monteCarlo: mcRuns === null ? null : { runs: mcRuns, seed },
    benchmark: (input.benchmark ?? (kr ? DEFAULT_BENCHMARK_KR : DEFAULT_BENCHMARK)).toUpperCase(),
    ...(kr ? { market: 'KR' as const } : {}),
  };
  return normaliseRequest(request);
}

/**
 * Re-validates a request (e.g. read back from a job payload or the database)
 * and returns it in canonical form. Strategy parameters are resolved against
 * the current defaults, so a request missing a newer parameter still hashes
 * like one that spells the default out.
 */
export function normaliseRequest(raw: unknown): BacktestRequest {
  const parsed = backtestRequestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new BacktestInputError(`invalid backtest request: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  const r = parsed.data;
  const seen = new Set<StrategyId>();
  const strategies = [...r.strategies]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((s) => {
      if (seen.has(s.id)) throw new BacktestInputError(`strategy ${s.id} listed twice`);
      seen.add(s.id);
      const def = defOf(s.id);
      try {
        return { id: s.id, params: { ...def.resolveParams(s.params as Partial<object>) } as Record<string, unknown> };
      } catch (err) {
        if (err instanceof StrategyParamError) throw new BacktestInputError(err.message);
        throw err;
      }
    });
  if (r.from !== null && r.to !== null && r.from > r.to) throw new BacktestInputError(`from date ${r.from} is after to date ${r.to}`);
  const market: Market = r.market ?? 'US';
  // Won are whole: a KR run starts from whole won so every amount it reports stays whole.
  if (market === 'KR' && !Number.isInteger(r.initialCash)) throw new BacktestInputError(`initial cash of a KR backtest is whole won, got ${r.initialCash}`);
  return {
    v: 1,
    strategies,
    universe: r.universe.kind === 'symbols' ? { kind: 'symbols', symbols: normaliseSymbols(r.universe.symbols, market) } : { kind: 'universe', name: r.universe.name },
    from: r.from,
    to: r.to,
    sizing: r.sizing,
    slippageBps: r.slippageBps,
    initialCash: r.initialCash,
    commission: r.commission,
    walkForward: r.walkForward,
    monteCarlo: r.monteCarlo,
    benchmark: benchmarkSymbol(r.benchmark, market),
    ...(market === 'KR' ? { market: 'KR' as const } : {}),
  };
}

/**
 * A KR request charged `rate` (a fraction of each fill's value: config.kr.commissionRate) instead of
 * the default KIS rate; a US request is returned as it is.
 */
export function withKrCommissionRate(request: BacktestRequest, rate: number): BacktestRequest {
  if (request.market !== 'KR') return request;
  if (!Number.isFinite(rate) || rate < 0 || rate > 0.01) throw new BacktestInputError(`the KR commission rate must be a fraction from 0 to 0.01 of the fill's value, got ${rate}`);
  return normaliseRequest({ ...request, commission: { kind: 'krw_rate', rate } });
}

/** SHA-256 (hex) of the canonical JSON of a normalised request: equal requests, equal hash. */
export function requestHash(request: BacktestRequest): string {
  return createHash('sha256').update(canonicalJson(normaliseRequest(request))).digest('hex');
}

/** The short form of a request hash used in job ids, Redis keys and button data (80 bits). */
export function requestKey(hash: string): string {
  return hash.slice(0, 20);
}

/** "Donchian Breakout", "Donchian Breakout + Turtle Soup". */
export function strategyTitle(request: Pick<BacktestRequest, 'strategies'>): string {
  return request.strategies.map((s) => STRATEGIES[s.id].title).join(' + ');
}

/** "donchian", "donchian + turtle_soup". */
export function strategyLabel(request: Pick<BacktestRequest, 'strategies'>): string {
  return request.strategies.map((s) => s.id).join(' + ');
}

/** Parameters that differ from the strategy's defaults, as `k=v` (for summaries). */
export function nonDefaultParams(id: StrategyId, params: Record<string, unknown>): string[] {
  const defaults = STRATEGIES[id].defaults as Record<string, unknown>;
  return Object.keys(params)
    .filter((k) => params[k] !== defaults[k])
    .map((k) => `${k}=${String(params[k])}`);
}
