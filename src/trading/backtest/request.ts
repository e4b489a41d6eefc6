import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../audit/canonical-json.js';
import type { CommissionModel, Sizing } from '../../engine/backtest/index.js';
import { STRATEGY_IDS, type StrategyId } from '../../engine/signal.js';
import { STRATEGIES, StrategyParamError, type StrategyDef } from '../../engine/strategies/index.js';
import { isIsoDate } from '../../lib/dates.js';
import { TICKER_PATTERN, parseSymbol } from '../../engine/market/symbols.js';
import { SymbolError } from '../../engine/market/errors.js';

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

/**
 * A symbol a backtest can run: a US ticker, upper-cased. The simulation runs on the NYSE calendar
 * and sizes in dollars, so a KRX code (won bars, KRX sessions) would give a meaningless result:
 * it is refused until KR backtests exist. `what` names the field in the message.
 */
function usSymbol(raw: string, what: string): string {
  const s = raw.trim().toUpperCase();
  if (!TICKER_PATTERN.test(s)) throw new BacktestInputError(`${what} "${raw.slice(0, 20)}" is not a ticker symbol`);
  let market: string;
  try {
    market = parseSymbol(s).market;
  } catch (err) {
    // The ticker rule passed but the market model refused it (a KRX code with .KS or an A prefix): its message says what to type.
    if (err instanceof SymbolError) throw new BacktestInputError(`${what} ${err.message}; KR backtests are not available yet, so use a US ticker such as SPY`);
    throw err;
  }
  if (market !== 'US') {
    throw new BacktestInputError(`${what} ${s} is a KRX code: KR backtests are not available yet (backtests run on the NYSE calendar with US-dollar sizing); use US tickers such as SPY`);
  }
  return s;
}

/** Upper-cases, validates (US tickers only: see usSymbol), sorts and de-duplicates symbols. */
export function normaliseSymbols(symbols: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of symbols) out.add(usSymbol(raw, 'symbol'));
  if (out.size === 0) throw new BacktestInputError('no symbols given');
  return [...out].sort();
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
  const initialCash = input.initialCash ?? DEFAULT_INITIAL_CASH;
  if (!Number.isFinite(initialCash) || initialCash <= 0) throw new BacktestInputError(`initial cash must be a positive number, got ${initialCash}`);
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
    universe: input.symbols && input.symbols.length > 0 ? { kind: 'symbols', symbols: normaliseSymbols(input.symbols) } : { kind: 'universe', name: input.universe ?? 'default' },
    from,
    to,
    sizing: input.sizing ?? DEFAULT_SIZING,
    slippageBps,
    initialCash,
    commission: input.commission ?? { kind: 'none' },
    walkForward: wf ? { ...wf } : null,
    monteCarlo: mcRuns === null ? null : { runs: mcRuns, seed },
    benchmark: (input.benchmark ?? DEFAULT_BENCHMARK).toUpperCase(),
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
  return {
    v: 1,
    strategies,
    universe: r.universe.kind === 'symbols' ? { kind: 'symbols', symbols: normaliseSymbols(r.universe.symbols) } : { kind: 'universe', name: r.universe.name },
    from: r.from,
    to: r.to,
    sizing: r.sizing,
    slippageBps: r.slippageBps,
    initialCash: r.initialCash,
    commission: r.commission,
    walkForward: r.walkForward,
    monteCarlo: r.monteCarlo,
    benchmark: usSymbol(r.benchmark, 'benchmark'),
  };
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
