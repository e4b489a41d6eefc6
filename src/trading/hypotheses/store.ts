import { RunManifestStore } from '../manifest/store.js';
import type { RunManifest } from '../manifest/manifest.js';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { SqlSession, TableSession, TableUnitOfWork } from '../../adapters/db/port.js';
import type { HypothesisRecord } from '../../adapters/db/tables/hypotheses/port.js';
import { MARKET_IDS, type HypothesisDefinition, type MarketId } from '../../engine/hypotheses/definition.js';
import { transition, type LifecycleEvent, type TransitionRefusalReason } from '../../engine/hypotheses/lifecycle.js';
import { HYPOTHESIS_STATES, STATE_CAPS_PER_MARKET, type HypothesisState } from '../../engine/hypotheses/states.js';
import type { AuditSink } from '../execution/audit-journal.js';
import { figuresJson, reviveFigures } from './figures-json.js';
import { auditTransitions, type TransitionRow } from './transition-audit.js';
import { pgInt, pgJson, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { pgJsonObject } from '../../lib/sql-json.js';
import { rowsOf } from '../../lib/sql-rows.js';

/**
 * One hypothesis as stored (the `hypotheses` row, see the hypotheses tables'
 * port). Dates are ISO calendar dates of the market's sessions; the
 * evaluation's ±Infinity strings are revived.
 */
export type StoredHypothesis = HypothesisRecord;

/**
 * A `hypotheses` row as {@link COLUMNS} selects it (dates as ISO text): for the reviewed statements
 * (the proposal's insert, the lifecycle's locked read and compare-and-set update); plain reads go
 * through `tables.hypotheses`.
 */
const HypothesisRow = z.object({
  id: pgText,
  hash: pgText,
  market: z.enum(MARKET_IDS),
  family: pgText,
  definition: pgJsonObject<HypothesisDefinition>(),
  state: z.enum(HYPOTHESIS_STATES),
  version: pgInt,
  proposed_session: pgText,
  state_since: pgTimestamp,
  state_since_session: pgText,
  evaluation: pgJson,
  daily_sharpe: pgInt.nullable(),
  params: pgJsonObject<Record<string, unknown>>().nullable(),
  retired_reason: pgText.nullable(),
  last_asked_session: pgText.nullable(),
  ask_again_after: pgInt.nullable(),
});
type Row = z.output<typeof HypothesisRow>;

const COLUMNS = `id, hash, market, family, definition, state, version, proposed_session::text AS proposed_session, state_since,
  state_since_session::text AS state_since_session, evaluation, daily_sharpe, params, retired_reason,
  last_asked_session::text AS last_asked_session, ask_again_after`;

/** A hypothesis read through `tables.hypotheses`, its evaluation's ±Infinity strings revived. */
function storedOf(r: HypothesisRecord): StoredHypothesis {
  return { ...r, evaluation: reviveFigures(r.evaluation) };
}

function toStored(r: Row): StoredHypothesis {
  return {
    id: r.id,
    hash: r.hash,
    market: r.market,
    family: r.family,
    definition: r.definition,
    state: r.state,
    version: r.version,
    proposedSession: r.proposed_session,
    stateSince: r.state_since,
    stateSinceSession: r.state_since_session,
    evaluation: reviveFigures(r.evaluation),
    dailySharpe: r.daily_sharpe,
    params: r.params,
    retiredReason: r.retired_reason,
    lastAskedSession: r.last_asked_session,
    askAgainAfter: r.ask_again_after,
  };
}

const TransitionIdRow = z.object({ id: pgInt });
const StateCountRow = z.object({ state: z.enum(HYPOTHESIS_STATES), n: pgInt });

/** SHA-256 (hex) of a definition's canonical string. */
export function hypothesisHash(canonical: string): string {
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** Hex digits of the hash in a short id; lengthened only if two hashes share the prefix. */
const SHORT_ID_DIGITS = 8;

/** What a state change may also record, in the same transaction. */
export interface TransitionExtras {
  evaluation?: unknown;
  dailySharpe?: number | null;
  params?: Record<string, unknown> | null;
  retiredReason?: string | null;
}

/** Why a requested change did not happen. */
export type StoreRefusal =
  | TransitionRefusalReason
  /** No hypothesis has that id. */
  | 'not_found'
  /** The hypothesis moved since the caller looked (a stale button, a retried job). */
  | 'stale'
  /** The target state's per-market cap is full; nothing is evicted to make room. */
  | 'cap_full';

export type StoreTransitionResult =
  | { ok: true; hypothesis: StoredHypothesis; from: HypothesisState; to: HypothesisState; transitionId: number }
  | { ok: false; reason: StoreRefusal; hypothesis: StoredHypothesis | null };

/** A proposal to store: the definition and its canonical string (from the engine's canonicalString). */
export interface Proposal {
  definition: HypothesisDefinition;
  canonical: string;
}

/**
 * Hypotheses in Postgres: proposals, the lifecycle's state changes (each in
 * one transaction with its transition row, then put on the audit chain),
 * and the reads the generator, the incubator, chat and the CLI need.
 */
export class HypothesisStore {
  constructor(
    private readonly db: TableUnitOfWork,
    private readonly audit: AuditSink,
  ) {}

  /** Records the run manifest of an incubation (kept as it is when the same inputs were recorded before). */
  async saveManifest(manifest: RunManifest): Promise<void> {
    await new RunManifestStore(this.db).save(manifest);
  }

  /** One hypothesis by id (case-insensitive) or null. */
  async get(id: string): Promise<StoredHypothesis | null> {
    const row = await this.db.tables.hypotheses.hypothesis(id.trim());
    return row ? storedOf(row) : null;
  }

  /** Hypotheses, newest state change first, optionally of one market and/or state. */
  async list(filter: { market?: MarketId; state?: HypothesisState } = {}): Promise<StoredHypothesis[]> {
    return (await this.db.tables.hypotheses.hypotheses(filter)).map(storedOf);
  }

  /** How many hypotheses of a market are in each state. */
  async counts(market: MarketId): Promise<Record<HypothesisState, number>> {
    return countsIn(this.db, market);
  }

  /** Every hypothesis of a market in any state, as the generator needs them (so none is proposed twice). */
  async existing(market: MarketId): Promise<{ family: string; canonical: string }[]> {
    return this.db.tables.hypotheses.canonicalsOf(market);
  }

  /** Daily Sharpes of the market's hypotheses whose evaluation finished: the deflated Sharpe's trials. */
  async finishedDailySharpes(market: MarketId): Promise<number[]> {
    return this.db.tables.hypotheses.dailySharpesOf(market);
  }

  /** Transition rows of one hypothesis, oldest first. */
  async transitions(id: string): Promise<TransitionRow[]> {
    const rows = await this.db.tables.hypotheses.transitionsOf(id.trim());
    return rows.map((r) => ({
      id: r.id,
      hypothesis_id: r.hypothesisId,
      from_state: r.fromState,
      to_state: r.toState,
      event: r.event,
      actor: r.actor,
      figures: reviveFigures(r.figures),
      session: r.session,
      at: r.at,
      audit_seq: r.auditSeq,
    }));
  }

  /**
   * Claims the generator's run for (market, session). True the first time
   * only, so the generator runs once per session per market however often
   * its job is started (retries, a second scheduler).
   */
  async claimGeneratorRun(market: MarketId, session: string): Promise<boolean> {
    return this.db.tables.hypotheses.claimGeneratorRun(market, session);
  }

  /** Records what the generator's run for (market, session) did. */
  async finishGeneratorRun(market: MarketId, session: string, proposed: number, waiting: unknown): Promise<void> {
    await this.db.tables.hypotheses.finishGeneratorRun(market, session, proposed, waiting);
  }

  /** The latest generator run of a market, for /status. */
  async lastGeneratorRun(market: MarketId): Promise<{ session: string; proposed: number; waiting: unknown; at: Date } | null> {
    return this.db.tables.hypotheses.lastGeneratorRun(market);
  }

  /**
   * Stores proposals as INCUBATING, in one transaction that re-checks the
   * INCUBATING cap under a per-market lock (two generators cannot overfill
   * it). A proposal whose hash exists is skipped. Returns the stored rows.
   */
  async propose(market: MarketId, session: string, proposals: readonly Proposal[], actor: string): Promise<StoredHypothesis[]> {
    const stored = await this.db.transaction(async (tx) => {
      await lockMarket(tx, market);
      const room = STATE_CAPS_PER_MARKET.INCUBATING - (await countsIn(tx, market)).INCUBATING;
      const out: StoredHypothesis[] = [];
      for (const p of proposals) {
        if (out.length >= room) break;
        if (p.definition.market !== market) throw new RangeError(`proposal for ${p.definition.market} given to the ${market} generator`);
        const hash = hypothesisHash(p.canonical);
        const id = await freeShortId(tx, hash);
        if (id === null) continue;
        // Reviewed SQL: the conflict target is the hash only (an id taken meanwhile must fail, not be skipped),
        // and RETURNING gives the stored row in the same round trip.
        const rows = await rowsOf(
          tx,
          HypothesisRow,
          `INSERT INTO hypotheses (id, hash, market, family, definition, canonical, state, proposed_session, state_since_session)
           VALUES ($1, $2, $3, $4, $5, $6, 'INCUBATING', $7, $7)
           ON CONFLICT (hash) DO NOTHING
           RETURNING ${COLUMNS}`,
          [id, hash, market, p.definition.family, JSON.stringify(p.definition), p.canonical, session],
        );
        if (!rows[0]) continue;
        // The proposal's transition row rides in the same transaction as its insert (reviewed SQL, like every transition row).
        await tx.exec(
          `INSERT INTO hypothesis_transitions (hypothesis_id, from_state, to_state, event, actor, figures, session)
           VALUES ($1, NULL, 'INCUBATING', 'proposed', $2, $3, $4)`,
          [id, actor, JSON.stringify({ session, definition: p.definition }), session],
        );
        out.push(toStored(rows[0]));
      }
      return out;
    });
    await this.sweepUnaudited();
    return stored;
  }

  /**
   * Moves one hypothesis by a lifecycle event, in one transaction: the row is
   * locked, the version checked (when given), the engine's transition rules
   * and the target state's cap applied; then the state, the extras and a
   * transition row with `figures` are written. After the commit the
   * transition goes on the audit chain (a crash before that is mended by
   * {@link sweepUnaudited}).
   *
   * @param expectedVersion the version the caller saw; null = whatever is current (rules-driven jobs)
   */
  async transition(id: string, expectedVersion: number | null, event: LifecycleEvent, input: TransitionInput): Promise<StoreTransitionResult> {
    const result = await this.db.transaction((tx) => applyTransition(tx, { id, expectedVersion, event, ...input }));
    if (result.ok) await this.sweepUnaudited();
    return result;
  }

  /**
   * Several state changes in ONE transaction, in the order given: all happen
   * or none does (the first refusal rolls the others back and is returned).
   * "Promote and demote X" runs the demotion first, so the LIVE cap has room
   * for the promotion.
   */
  async transitionTogether(steps: readonly TransitionStep[]): Promise<{ ok: true; results: StoreTransitionResult[] } | { ok: false; failed: number; result: StoreTransitionResult }> {
    class Refused extends Error {
      constructor(
        readonly failed: number,
        readonly result: StoreTransitionResult,
      ) {
        super('refused');
      }
    }
    try {
      const results = await this.db.transaction(async (tx) => {
        const out: StoreTransitionResult[] = [];
        for (const [i, step] of steps.entries()) {
          const r = await applyTransition(tx, step);
          if (!r.ok) throw new Refused(i, r);
          out.push(r);
        }
        return out;
      });
      await this.sweepUnaudited();
      return { ok: true, results };
    } catch (e) {
      if (e instanceof Refused) return { ok: false, failed: e.failed, result: e.result };
      throw e;
    }
  }

  /** Records that the Promote card was sent this session, or (after Keep) when to ask again. */
  async markAsked(id: string, version: number, session: string, askAgainAfter: number | null): Promise<boolean> {
    const n = await this.db.exec(
      `UPDATE hypotheses SET last_asked_session = $3, ask_again_after = $4 WHERE id = $1 AND version = $2 AND state = 'PAPER'`,
      [id, version, session, askAgainAfter],
    );
    return n === 1;
  }

  /**
   * Puts every transition not yet on the audit chain there (oldest first)
   * and records its seq. Safe to run from several processes: rows are
   * claimed with SKIP LOCKED. A crash between the append and the commit
   * appends that row again next time (at least once; the row id is in the
   * payload to tell the two apart).
   */
  async sweepUnaudited(): Promise<number> {
    return auditTransitions(this.db, this.audit);
  }
}

/** One state change, as {@link HypothesisStore.transition} takes it. */
export interface TransitionInput {
  actor: string;
  session: string;
  figures: unknown;
  extras?: TransitionExtras;
}

/** One step of {@link HypothesisStore.transitionTogether}. */
export interface TransitionStep extends TransitionInput {
  id: string;
  /** The version the caller saw; null = whatever is current (rules-driven jobs). */
  expectedVersion: number | null;
  event: LifecycleEvent;
}

/** Applies one state change inside `tx` (lock, version, rules, cap, write); see {@link HypothesisStore.transition}. */
async function applyTransition(tx: TableSession, step: TransitionStep): Promise<StoreTransitionResult> {
  const current = await tx.tables.hypotheses.hypothesis(step.id.trim());
  if (!current) return { ok: false, reason: 'not_found', hypothesis: null };
  await lockMarket(tx, current.market);
  // From here on reviewed SQL: the row lock, then the compare-and-set update and its transition row.
  const rows = await rowsOf(tx, HypothesisRow, `SELECT ${COLUMNS} FROM hypotheses WHERE id = $1 FOR UPDATE`, [current.id]);
  const h = toStored(rows[0]!);
  if (step.expectedVersion !== null && h.version !== step.expectedVersion) return { ok: false, reason: 'stale', hypothesis: h };
  const moved = transition(h.state, step.event);
  if (!moved.ok) return { ok: false, reason: moved.reason, hypothesis: h };
  // Caps bound what a choice adds (a passed incubation, a promotion); a demotion reduces risk and is never refused,
  // so PAPER may hold more than its cap for a while after one.
  if (step.event.kind !== 'demote' && (moved.to === 'PAPER' || moved.to === 'LIVE')) {
    const held = (await countsIn(tx, h.market))[moved.to];
    if (held >= STATE_CAPS_PER_MARKET[moved.to]) return { ok: false, reason: 'cap_full', hypothesis: h };
  }
  const x = step.extras ?? {};
  const updated = await rowsOf(
    tx,
    HypothesisRow,
    `UPDATE hypotheses SET state = $2, version = version + 1, state_since = now(), state_since_session = $3,
        evaluation = CASE WHEN $4::boolean THEN $5::jsonb ELSE evaluation END,
        evaluated_at = CASE WHEN $4::boolean THEN now() ELSE evaluated_at END,
        daily_sharpe = CASE WHEN $6::boolean THEN $7::double precision ELSE daily_sharpe END,
        params = CASE WHEN $8::boolean THEN $9::jsonb ELSE params END,
        retired_reason = CASE WHEN $10::boolean THEN $11 ELSE retired_reason END,
        last_asked_session = CASE WHEN $2 = 'PAPER' THEN NULL ELSE last_asked_session END,
        ask_again_after = CASE WHEN $2 = 'PAPER' THEN NULL ELSE ask_again_after END
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [
      h.id,
      moved.to,
      step.session,
      'evaluation' in x,
      x.evaluation === undefined ? null : figuresJson(x.evaluation),
      'dailySharpe' in x,
      x.dailySharpe ?? null,
      'params' in x,
      x.params === undefined || x.params === null ? null : JSON.stringify(x.params),
      'retiredReason' in x,
      x.retiredReason ?? null,
    ],
  );
  const t = await rowsOf(
    tx,
    TransitionIdRow,
    `INSERT INTO hypothesis_transitions (hypothesis_id, from_state, to_state, event, actor, figures, session)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::int AS id`,
    [h.id, h.state, moved.to, step.event.kind, step.actor, figuresJson(step.figures ?? {}), step.session],
  );
  return { ok: true, hypothesis: toStored(updated[0]!), from: h.state, to: moved.to, transitionId: t[0]!.id };
}

/** Serialises cap checks of one market (proposals, promotions) across processes. */
async function lockMarket(tx: SqlSession, market: MarketId): Promise<void> {
  await tx.rows(`SELECT pg_advisory_xact_lock(774219100, hashtext($1))`, [market]);
}

async function countsIn(db: SqlSession, market: MarketId): Promise<Record<HypothesisState, number>> {
  const rows = await rowsOf(
    db,
    StateCountRow,
    `SELECT state, count(*)::int AS n FROM hypotheses WHERE market = $1 GROUP BY state`,
    [market],
  );
  const out = Object.fromEntries(HYPOTHESIS_STATES.map((s) => [s, 0])) as Record<HypothesisState, number>;
  for (const r of rows) out[r.state] = r.n;
  return out;
}

/** The shortest "h"-prefixed id of `hash` not taken by another hash; null when this hash is stored already. */
async function freeShortId(tx: TableSession, hash: string): Promise<string | null> {
  for (let digits = SHORT_ID_DIGITS; digits <= 64; digits += 4) {
    const id = `h${hash.slice(0, digits)}`;
    const taken = await tx.tables.hypotheses.hashOfId(id);
    if (taken === null) return id;
    if (taken === hash) return null;
  }
  return null;
}
