import { z } from 'zod';
import type { UnitOfWork } from '../../adapters/db/port.js';
import { errText } from '../../lib/errors.js';
import { round6 } from '../../lib/numbers.js';
import { pgInt } from '../../lib/sql-columns.js';
import { rowOf } from '../../lib/sql-rows.js';
import type { Alerts } from '../alerts/alerts.js';
import type { KillSwitchState } from '../kill-switch/kill-switch.js';
import { rejectionStreak } from './rejection-streak.js';
import { pnlSessionBook, type SessionBook, type SessionBookSource } from './session-book.js';
import type { CircuitLimits, CircuitTrip, RejectionsCheck, SessionLossCheck, SessionLossTrip, Tripped } from './types.js';

/** Who engages the switch, in the kill switch row, its audit rows and the alert. */
export const CIRCUIT_ACTOR = 'circuit-breaker';

/** The alert kind of a trip (groups it in digests and /status). */
export const CIRCUIT_ALERT_KIND = 'circuit-tripped';

/** One alert per market: open while its trip stands, resolved when the switch is next seen resumed. */
export function circuitAlertKey(broker: string): string {
  return `circuit.tripped:${broker}`;
}

/** The kill switch's reason for a trip: a short code; the bot words it (alert-text.ts). */
export function circuitKillReason(trip: CircuitTrip): string {
  return `circuit breaker: ${trip.kind}`;
}

/** Advisory-lock namespace of the breaker (execution uses 774_219_101 and 774_219_102). */
const LOCK_NAMESPACE = 774_219_103;
/** One lock for every market: the kill switch is one switch, engaged once whichever market trips it. */
const LOCK_KEY = 'kill-switch';
const DEFAULT_LOCK_WAIT_MS = 10_000;

/** Only whether a row exists matters. */
const HitRow = z.object({ hit: pgInt });
const TRIPPED_ON_LOSS_SQL = `SELECT 1 AS hit FROM audit_log
        WHERE payload->>'action' = 'circuit.tripped' AND payload->>'broker' = $1
          AND payload->'trip'->>'kind' = 'session_loss' AND payload->'trip'->>'sessionDate' = $2
        LIMIT 1`;

/** What the breaker needs. App wires the real ones; tests pass the same with test settings. */
export interface CircuitBreakerDeps {
  db: UnitOfWork;
  killSwitch: { state(): Promise<KillSwitchState>; engage(reason: string, by: number | string): Promise<KillSwitchState> };
  alerts: Pick<Alerts, 'raise' | 'resolve'>;
  audit: { append(e: { action: string; actor: string | number; [k: string]: unknown }): Promise<number> };
  /** The limits of the market traded through `broker` (today every broker gets the CIRCUIT_* settings). */
  limitsFor(broker: string): CircuitLimits;
  /** The market's session figures; default: /pnl's day over our books (see {@link pnlSessionBook}). */
  sessionBook?: SessionBookSource;
  now?: () => Date;
  /** How long a check waits for another process tripping the switch. Default 10 s. */
  lockWaitMs?: number;
  log?: { warn(obj: object, msg: string): void };
}

/**
 * The robot stops itself: the kill switch is engaged — by the robot, with the
 * reason, an admin alert and an audit row holding the figures that tripped
 * it — when a market's session loss passes its limit or its broker refused
 * too many orders in a row. Engaging only reduces risk, so no person confirms it.
 *
 * Per market, keyed by the broker's name. Idempotent: a check reads the switch
 * first and does nothing while it is on (whoever engaged it, or when it cannot
 * be read); the engage itself runs under one advisory lock and reads the
 * switch again there, so any number of workers checking at once move the kill
 * epoch once. When a check finds the switch off again (an admin resumed), the
 * market's alert is resolved, so the next trip messages admins afresh.
 *
 * After a resume the admin's call holds: the rejection count starts again
 * from the resume, and a session that already tripped on its loss is not
 * tripped again (it arms again at the next session).
 */
export class CircuitBreaker {
  private readonly now: () => Date;
  private readonly book: SessionBookSource;

  constructor(private readonly deps: CircuitBreakerDeps) {
    this.now = deps.now ?? (() => new Date());
    this.book = deps.sessionBook ?? pnlSessionBook(deps.db);
  }

  /**
   * After an order outcome: trips when the newest CIRCUIT_REJECTS orders the
   * broker answered (since the switch last changed) were all refused by it.
   */
  async checkRejections(broker: string): Promise<RejectionsCheck> {
    const limit = this.deps.limitsFor(broker).rejects;
    if (limit === null) return { kind: 'off' };
    const state = await this.deps.killSwitch.state();
    if (state.engaged) return { kind: 'already_engaged', reason: state.reason };
    await this.resolveResumed(broker);
    const s = await rejectionStreak(this.deps.db, broker, state.changedAt ?? new Date(0), limit);
    if (s.streak < limit) return { kind: 'clear', streak: s.streak, limit };
    return this.trip(broker, { kind: 'broker_rejections', limit, clientOrderIds: s.clientOrderIds, lastBrokerReason: s.lastBrokerReason });
  }

  /**
   * After a mark or a fill: trips when the market's (realized + unrealized)
   * P&L of `sessionDate` (default: its current session) is a loss at or past
   * CIRCUIT_DAILY_LOSS_PCT of its equity.
   */
  async checkSessionLoss(broker: string, sessionDate?: string): Promise<SessionLossCheck> {
    const pct = this.deps.limitsFor(broker).dailyLossPct;
    if (pct === null) return { kind: 'off' };
    const state = await this.deps.killSwitch.state();
    if (state.engaged) return { kind: 'already_engaged', reason: state.reason };
    await this.resolveResumed(broker);
    const book = await this.book(broker, this.now());
    const session = sessionDate ?? book.sessionDate;
    if (session !== book.sessionDate) return { kind: 'not_judged', why: 'not_current_session', sessionDate: session };
    const trip = sessionLoss(book, pct);
    if (trip === null) return { kind: 'not_judged', why: 'no_equity', sessionDate: session };
    if (trip.loss > trip.threshold) return { kind: 'clear', loss: trip.loss, equity: trip.equity, threshold: trip.threshold };
    if (await this.trippedOnLoss(broker, session)) return { kind: 'not_judged', why: 'resumed_this_session', sessionDate: session };
    return this.trip(broker, trip);
  }

  /** Engages the switch once (under the lock, reading it again there), then writes the proof: audit row, admin alert. */
  private async trip<T extends CircuitTrip>(broker: string, trip: T): Promise<Tripped<T> | { kind: 'already_engaged'; reason: string | null } | { kind: 'busy' }> {
    const reason = circuitKillReason(trip);
    const engaged = await this.deps.db.withAdvisoryLock(LOCK_NAMESPACE, LOCK_KEY, this.deps.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS, async () => {
      const now = await this.deps.killSwitch.state();
      if (now.engaged) return { kind: 'already_engaged' as const, reason: now.reason };
      // Throws when neither store takes it: the job fails and its retry checks again.
      return { kind: 'engaged' as const, state: await this.deps.killSwitch.engage(reason, CIRCUIT_ACTOR) };
    });
    if (engaged === 'busy') return { kind: 'busy' };
    if (engaged.kind === 'already_engaged') return engaged;
    const epoch = engaged.state.epoch;
    // The switch is on whatever happens next: a failing audit or alert store is logged, never undoes or hides the trip.
    const audited = await this.deps.audit.append({ action: 'circuit.tripped', actor: CIRCUIT_ACTOR, broker, reason, epoch, trip }).then(
      () => true,
      (err: unknown) => this.failed('audit', broker, err),
    );
    const alerted = await this.deps.alerts.raise({ key: circuitAlertKey(broker), kind: CIRCUIT_ALERT_KIND, severity: 'critical', detail: { code: 'circuit.tripped', broker, epoch, trip } }).then(
      () => true,
      (err: unknown) => this.failed('alert', broker, err),
    );
    return { kind: 'tripped', trip, epoch, alerted, audited };
  }

  /** The switch is off: a trip of this market that admins were told of is over (no-op when none is open). */
  private async resolveResumed(broker: string): Promise<void> {
    await this.deps.alerts.resolve(circuitAlertKey(broker), { code: 'circuit.resumed', broker }).catch((err: unknown) => this.failed('resolve', broker, err));
  }

  /** Whether this market's loss already tripped the switch in this session (the audit chain holds every trip). */
  private async trippedOnLoss(broker: string, sessionDate: string): Promise<boolean> {
    return (await rowOf(this.deps.db, HitRow, TRIPPED_ON_LOSS_SQL, [broker, sessionDate])) !== undefined;
  }

  private failed(what: 'audit' | 'alert' | 'resolve', broker: string, err: unknown): false {
    this.deps.log?.warn({ broker, err: errText(err) }, `circuit breaker: ${what} failed`);
    return false;
  }
}

/** The session's loss figures against `pct` of its equity; null without an equity to measure against. Pure. */
export function sessionLoss(book: SessionBook, pct: number): SessionLossTrip | null {
  if (book.equity === null) return null;
  return {
    kind: 'session_loss',
    sessionDate: book.sessionDate,
    currency: book.currency,
    realized: book.realized,
    unrealized: book.unrealized,
    unpriced: book.unpriced,
    loss: round6(book.realized + book.unrealized),
    equity: book.equity.value,
    equityAsOf: book.equity.asOf,
    pct,
    threshold: round6(-(pct / 100) * book.equity.value),
  };
}
