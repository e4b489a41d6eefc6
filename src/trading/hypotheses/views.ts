/**
 * What /hypotheses and /hypothesis ID show, as data (transport-neutral: the
 * faces word it). Everything is read from the store in one pass per view, so
 * the counts and the rows listed come from the same snapshot.
 */
import { MARKET_IDS, type HypothesisDefinition, type HypothesisExits, type MarketId } from '../../engine/hypotheses/definition.js';
import { HYPOTHESIS_STATES, STATE_CAPS_PER_MARKET, type HypothesisState } from '../../engine/hypotheses/states.js';
import { PATTERN_FAMILIES } from '../../engine/patterns/registry.js';
import type { HypothesisStore, StoredHypothesis } from './store.js';
import { nextGeneratorRun, type GeneratorRun } from './views-sessions.js';
import type { SlotDef } from '../../engine/schedule/slots.js';
import { readStoredEvaluation, type EvaluationView } from './views-evaluation.js';
import { manifestOf } from './promote-card.js';

export type { EvaluationView } from './views-evaluation.js';

/** The store reads the views need (a HypothesisStore satisfies it). */
export type HypothesisReads = Pick<HypothesisStore, 'get' | 'list' | 'transitions' | 'lastGeneratorRun'>;

/** How many of a market's hypotheses are in one state, and the state's cap (null: RETIRED has none). */
export interface StateCount {
  state: HypothesisState;
  count: number;
  cap: number | null;
}

/**
 * The one figure a row of the overview shows:
 * - `sharpe`: PAPER and LIVE, the shadow book's (annualised) Sharpe when known, else the walk-forward's OOS Sharpe;
 * - `waiting`: INCUBATING, the session it was proposed (the oldest is evaluated first);
 * - `retired`: RETIRED, why and the session it happened.
 */
export type KeyFigure =
  | { kind: 'sharpe'; source: 'shadow' | 'oos'; value: number | null }
  | { kind: 'waiting'; since: string }
  | { kind: 'retired'; reason: string | null; session: string };

/** One hypothesis as a row of the overview. */
export interface HypothesisRow {
  id: string;
  market: MarketId;
  family: string;
  /** The family's display name from the pattern registry; null for a family no longer registered. */
  familyTitle: string | null;
  state: HypothesisState;
  version: number;
  key: KeyFigure;
}

/** The latest generator run of a market. */
export interface GeneratorRunView {
  session: string;
  proposed: number;
  /** Why it proposed nothing (the engine's reason, e.g. a full cap), as stored; null when it did not wait. */
  waiting: unknown;
  at: Date;
}

/** One market in the overview. */
export interface MarketOverview {
  market: MarketId;
  /** One entry per state, in lifecycle order. */
  counts: StateCount[];
  /** The sum of `counts`. */
  total: number;
  /** The first few of each state, in the order the key figure ranks them (see {@link KeyFigure}). */
  top: Record<HypothesisState, HypothesisRow[]>;
  lastRun: GeneratorRunView | null;
  /**
   * The equity the market's shadow books start at and its LIVE allocation is a share of, in the
   * market's currency (KR: won); absent when the caller gave no equity source.
   */
  equity?: number;
}

/** /hypotheses. `markets` is empty when no market has a hypothesis or a generator run yet. */
export interface HypothesesOverview {
  markets: MarketOverview[];
  /** Rows listed per state. */
  topPerState: number;
  /** The generator's next scheduled run (the same as /status names); null when none is scheduled or the caller gave no time. */
  nextRun: GeneratorRun | null;
}

/** Options of {@link hypothesesOverview}. */
export interface OverviewOptions {
  /** Rows per state (default 3). */
  top?: number;
  /** Annualised shadow-book Sharpe by hypothesis id, when the shadow books are known; PAPER and LIVE rank by it. */
  shadowSharpes?: ReadonlyMap<string, number | null>;
  /** Now (epoch ms) and the scheduler's slots: together they set {@link HypothesesOverview.nextRun}. */
  nowMs?: number;
  slots?: readonly SlotDef[];
  /** Each market's equity in its own currency (see {@link MarketOverview.equity}). */
  equity?: (market: MarketId) => Promise<number>;
}

const DEFAULT_TOP = 3;

/** The family's display name, or null when the registry does not know it. */
export function familyTitle(family: string): string | null {
  return Object.hasOwn(PATTERN_FAMILIES, family) ? PATTERN_FAMILIES[family as keyof typeof PATTERN_FAMILIES].title : null;
}

function oosSharpe(h: StoredHypothesis): number | null {
  return readStoredEvaluation(h.evaluation)?.figures.sharpe ?? null;
}

function keyOf(h: StoredHypothesis, shadow: ReadonlyMap<string, number | null> | undefined): KeyFigure {
  if (h.state === 'INCUBATING') return { kind: 'waiting', since: h.proposedSession };
  if (h.state === 'RETIRED') return { kind: 'retired', reason: h.retiredReason, session: h.stateSinceSession };
  const s = shadow?.get(h.id);
  return s !== undefined && s !== null ? { kind: 'sharpe', source: 'shadow', value: s } : { kind: 'sharpe', source: 'oos', value: oosSharpe(h) };
}

function rowOf(h: StoredHypothesis, shadow: ReadonlyMap<string, number | null> | undefined): HypothesisRow {
  return { id: h.id, market: h.market, family: h.family, familyTitle: familyTitle(h.family), state: h.state, version: h.version, key: keyOf(h, shadow) };
}

/** Ranks one state's rows: best Sharpe first (unknown last), oldest incubating first, latest retired first; ties by id. */
function rank(state: HypothesisState, hs: StoredHypothesis[], rows: Map<string, HypothesisRow>): StoredHypothesis[] {
  const byId = (a: StoredHypothesis, b: StoredHypothesis) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const sorted = [...hs];
  if (state === 'INCUBATING') {
    sorted.sort((a, b) => (a.proposedSession < b.proposedSession ? -1 : a.proposedSession > b.proposedSession ? 1 : a.stateSince.getTime() - b.stateSince.getTime() || byId(a, b)));
  } else if (state === 'RETIRED') {
    sorted.sort((a, b) => b.stateSince.getTime() - a.stateSince.getTime() || byId(a, b));
  } else {
    const sharpe = (h: StoredHypothesis) => {
      const k = rows.get(h.id)!.key;
      return k.kind === 'sharpe' && k.value !== null ? k.value : -Infinity;
    };
    sorted.sort((a, b) => sharpe(b) - sharpe(a) || byId(a, b));
  }
  return sorted;
}

/**
 * /hypotheses: per market, how many hypotheses are in each state (with the
 * caps), the top of each state and the generator's last run.
 *
 * @param market one market; without it every market that has a hypothesis or a generator run
 */
export async function hypothesesOverview(store: HypothesisReads, market?: MarketId, opts: OverviewOptions = {}): Promise<HypothesesOverview> {
  const top = Math.max(1, opts.top ?? DEFAULT_TOP);
  const all = await store.list(market ? { market } : {});
  const candidates = market ? [market] : MARKET_IDS;
  const markets: MarketOverview[] = [];
  for (const m of candidates) {
    const hs = all.filter((h) => h.market === m);
    const lastRun = await store.lastGeneratorRun(m);
    if (!market && hs.length === 0 && !lastRun) continue;
    const rows = new Map(hs.map((h) => [h.id, rowOf(h, opts.shadowSharpes)]));
    const counts = HYPOTHESIS_STATES.map((state) => ({
      state,
      count: hs.filter((h) => h.state === state).length,
      cap: state === 'RETIRED' ? null : STATE_CAPS_PER_MARKET[state],
    }));
    const topRows = Object.fromEntries(
      HYPOTHESIS_STATES.map((state) => [
        state,
        rank(
          state,
          hs.filter((h) => h.state === state),
          rows,
        )
          .slice(0, top)
          .map((h) => rows.get(h.id)!),
      ]),
    ) as Record<HypothesisState, HypothesisRow[]>;
    const equity = opts.equity ? await opts.equity(m) : undefined;
    markets.push({ market: m, counts, total: hs.length, top: topRows, lastRun, ...(equity === undefined ? {} : { equity }) });
  }
  const nextRun = opts.nowMs === undefined ? null : nextGeneratorRun(opts.slots ?? [], opts.nowMs);
  return { markets, topPerState: top, nextRun };
}

/** One transition of a hypothesis, oldest first. `from` is null for the proposal. */
export interface TransitionView {
  from: HypothesisState | null;
  to: HypothesisState;
  event: string;
  actor: string;
  at: Date;
  /** The figures that justified it, as stored. */
  figures: unknown;
}

/** /hypothesis ID: everything known about one hypothesis. */
export interface HypothesisDetail {
  id: string;
  hash: string;
  market: MarketId;
  family: string;
  familyTitle: string | null;
  /** The grid's axes (values as decimal strings) and the centre every other parameter keeps. */
  centre: HypothesisDefinition['centre'];
  grid: HypothesisDefinition['grid'];
  exits: HypothesisExits;
  /** The parameters chosen on the latest training window: what PAPER and LIVE trade (null until evaluated). */
  fixedParams: Record<string, unknown> | null;
  state: HypothesisState;
  version: number;
  proposedSession: string;
  stateSince: Date;
  stateSinceSession: string;
  retiredReason: string | null;
  /** The walk-forward's figures, checks and deflated Sharpe; null until evaluated. */
  evaluation: EvaluationView | null;
  /**
   * Id of the walk-forward's run manifest (`courtside backtest --replay`
   * re-runs it); null for an evaluation stored before manifests. Optional
   * only so views built by hand (tests) predating it still type-check:
   * {@link hypothesisDetail} always sets it.
   */
  manifest: string | null;
  transitions: TransitionView[];
  /** The out-of-sample equity series (null without an evaluation that stored one). */
  equity: { dates: string[]; values: number[] } | null;
}

function stateOf(s: string | null): HypothesisState | null {
  return s !== null && (HYPOTHESIS_STATES as readonly string[]).includes(s) ? (s as HypothesisState) : null;
}

/** /hypothesis ID: the definition, state, evaluation, transitions and OOS equity; null for an unknown id. */
export async function hypothesisDetail(store: HypothesisReads, id: string): Promise<HypothesisDetail | null> {
  const h = await store.get(id);
  if (!h) return null;
  const transitions = await store.transitions(h.id);
  const evaluation = readStoredEvaluation(h.evaluation);
  return {
    id: h.id,
    hash: h.hash,
    market: h.market,
    family: h.family,
    familyTitle: familyTitle(h.family),
    centre: h.definition.centre,
    grid: h.definition.grid,
    exits: h.definition.exits,
    fixedParams: h.params ?? evaluation?.chosenParams ?? null,
    state: h.state,
    version: h.version,
    proposedSession: h.proposedSession,
    stateSince: h.stateSince,
    stateSinceSession: h.stateSinceSession,
    retiredReason: h.retiredReason,
    evaluation,
    manifest: manifestOf(h.evaluation),
    transitions: transitions.map((t) => ({ from: stateOf(t.from_state), to: t.to_state as HypothesisState, event: t.event, actor: t.actor, at: t.at, figures: t.figures })),
    equity: evaluation?.equity ?? null,
  };
}
