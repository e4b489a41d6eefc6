import type { Job } from 'bullmq';
import { z } from 'zod';
import type { TableUnitOfWork } from '../../adapters/db/port.js';
import type { Broker } from '../../adapters/brokers/port.js';
import { ALERT_KINDS, alertKeys, type Alerts } from '../../trading/alerts/alerts.js';
import { reconcileMismatchDetail } from '../../trading/alerts/details.js';
import type { CircuitBreaker } from '../../trading/circuit-breaker/circuit-breaker.js';
import type { OwedCancelRunner } from '../../trading/kill-switch/cancel-owed.js';
import type { AuditSink } from '../../trading/execution/audit-journal.js';
import { executeApproval, gaveUpReason, giveUpApproval, type ExecutionDeps, type ExecutionOutcome } from '../../trading/execution/execute.js';
import { flattenAll, runExits, type ExitDeps } from '../../trading/execution/exits.js';
import { markToMarket, type MarkToMarketDeps } from '../../trading/execution/mark-to-market.js';
import { driftCheckDepsOf, runDriftCheck } from '../../trading/risk/drift-check.js';
import type { RiskSettings } from '../../trading/risk/settings.js';
import { reconcile, type ReconcileDeps } from '../../trading/execution/reconcile.js';
import type { Notifier } from '../../trading/notifier.js';
import { loadFillContext } from '../../trading/portfolio/fill-context.js';
import type { StoredPick } from '../../trading/scan/picks-repo.js';
import type { Recipient } from '../../trading/settings/recipients.js';
import type { JobProducer } from '../producer.js';
import { executionRunSchema, type ExecutionRunPayload } from '../payloads/execution.js';
import { marketOfSymbol } from '../../engine/market/symbols.js';
import type { Market } from '../../engine/market/markets.js';
import type { HandlerMap } from '../worker-runtime.js';
import { EXCHANGE_HOURS, type MarketHours } from '../../engine/market-hours.js';
import { pgText } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';
import { expireDue, releaseDue, rewindowQueued, type QueueDeps, type QueuedOrder } from '../../trading/queue/queued-orders.js';
import { krxHoursWithOverrides } from '../../engine/krx-hours.js';
import { sharedCalendarOverrides, type CalendarOverridesPort } from '../../trading/calendar/overrides-source.js';
import { alertAmbiguousOrders, ambiguousOf } from './ambiguous-alert.js';
import { closeHandlers } from './close.js';

/**
 * What the `executions` queue's handlers need: the use cases' deps as
 * configured, and the ports the handlers call themselves. App builds it.
 */
/**
 * One more market's order path (issue 15): its broker, the approval path and
 * exits on it, the mark of its book and its reconciliation. The queue's own
 * fields are the US lane.
 */
export interface MarketLane {
  broker: Broker;
  /** The market's sessions (KRX for Korea): /close sells within them, queues for the next open outside. */
  marketHours: MarketHours;
  execution: ExecutionDeps;
  exits: ExitDeps;
  /** The market's mark-to-market (its own broker, starting cash in its currency; no benchmark unless one is real). */
  marks: MarkToMarketDeps;
  reconcile: ReconcileDeps;
}

export interface ExecutionQueueDeps {
  db: TableUnitOfWork;
  broker: Broker;
  /**
   * Korea's lane: approvals of KR picks and /close of KR positions go to its
   * broker, and reconciliation also compares its book. Absent: no KR broker is
   * wired, and a KR approval meets the US broker, which refuses KRX codes.
   */
  kr?: MarketLane;
  /** `executeApproval`'s deps (the real gates, broker and quotes, the config's limits). */
  execution: ExecutionDeps;
  /** Stop / time-stop / flatten deps on the same broker and quotes. */
  exits: ExitDeps;
  /** Mark-to-market deps, but the database (benchmark, starting cash, broker, audit). */
  marks: MarkToMarketDeps;
  /** Reconciliation deps. */
  reconcile: ReconcileDeps;
  audit: AuditSink;
  alerts: Pick<Alerts, 'raise' | 'resolve'>;
  /** Engages the kill switch on too many broker rejections or too big a session loss (checked after outcomes, fills and marks). */
  circuit: Pick<CircuitBreaker, 'checkRejections' | 'checkSessionLoss'>;
  /** Performs the cancel-all a kill owes (rows in Postgres, so a lost job or reply only delays it); null: it could not be read or performed. */
  owedCancel: Pick<OwedCancelRunner, 'run'>;
  publisher: Pick<Notifier, 'publish'>;
  jobs: Pick<JobProducer, 'add'>;
  picks: { get(id: string): Promise<StoredPick | null> };
  /** Drift checks after the mark (issue 21 part 3): the risk settings and the admins' chats. Absent (tests): defaults, and admins among the fill recipients. */
  drift?: { settings: RiskSettings; admins(): readonly number[] };
  /** Where the pick's card was posted (`chat:message`), when the outbox recorded it. */
  cardOf(pickId: string): Promise<{ chatId: number; messageId: number } | null>;
  /** Who hears about fills and exits (their notification settings applied). */
  fillRecipients(): Promise<Recipient[]>;
  /**
   * Why a run did not finish, in words, for the job's error: BullMQ retries
   * on it, and a run that gives up records it on the approval.
   */
  unfinishedReason(out: ExecutionOutcome): string;
  /**
   * An approval's outcome still not known this long after its job first started: the trader is
   * told once that it is still being checked (EXEC_TELL_PENDING_AFTER_MS). Default 30 s.
   */
  tellPendingAfterMs?: number;
  scrub(text: string): string;
  /** When orders can execute (the open queue sends nothing outside it). Default the exchange's sessions. */
  marketHours?: MarketHours;
  /** The open queue's clock. Default the real one. */
  now?: () => Date;
  /**
   * Run-time calendar overrides the KR open queue applies to KRX's hours (a late open moves
   * queued KR orders to the new open). Default: the shared cached reader on `db`.
   */
  calendarOverrides?: CalendarOverridesPort;
  /**
   * Hands a queued sale of one position (`/close` outside the session) to the
   * manual close's order path at the open. Absent: such rows are not released
   * (they expire, and their chat is told).
   */
  dispatchQueuedClose?(order: QueuedOrder): Promise<void>;
}

/** Thrown when the outcome is not known yet: BullMQ retries with backoff; the re-run only looks the order up. */
export class OutcomePendingError extends Error {
  override readonly name = 'OutcomePendingError';
}

/** How long after the confirmation the fill chart job runs. */
const CHART_DELAY_MS = 300;

/** EXEC_TELL_PENDING_AFTER_MS's default. */
const TELL_PENDING_AFTER_MS = 30_000;

/**
 * A retry that starts after the "still checking" deadline passed (it passed while the job waited
 * for its backoff, or the worker restarted) gives its look-up this long to find the outcome
 * before telling: a lookup that answers at once sends the outcome alone.
 */
const TELL_PENDING_GRACE_MS = 1_000;

/**
 * A best-effort read's fallback: its failure is logged at debug with `why` (why going on
 * without it is safe), and `fallback` stands in for what it would have read.
 */
function orElse<T>(deps: ExecutionQueueDeps, fallback: T, why: string, context: Record<string, unknown> = {}): (err: unknown) => T {
  return (err) => {
    deps.execution.logger?.debug({ err, ...context }, why);
    return fallback;
  };
}

/** Handlers of the `executions` queue. */
export function executionHandlers(deps: ExecutionQueueDeps): HandlerMap<'executions'> {
  return {
    // `/close` of one position (src/jobs/handlers/close.ts).
    ...closeHandlers(deps),
    'execution.run': async (p, run) => runApproval(await laneOfPick(deps, p.pickId), p, run),
    'execution.chart': async (p, run) => {
      const lane = await laneOfPick(deps, p.pickId);
      // Re-reads the stored outcome; never executes anything new.
      const out = await executeApproval(lane.execution, p.approvalId);
      if (out.kind !== 'filled' && out.kind !== 'partially_filled') return;
      const fill = await loadFillContext(lane.db, out).catch(orElse(lane, null, 'fill context unreadable; the confirmation stands without its chart', { approvalId: p.approvalId }));
      if (!fill || fill.candles.length === 0) return;
      await lane.publisher.publish(p.chatId, { kind: 'execution.fill-chart', outcome: out, fill }, { key: `${String(run.job.id)}-photo` });
    },
    'execution.cancel_all': async () => {
      // The /kill job only hurries the owed rows along: they are the record, their proof goes to the /kill chat under a stable key.
      const out = await deps.owedCancel.run('kill');
      // Postgres unreadable: BullMQ retries the job (the owed row waits for the worker's poll either way).
      if (out === null) throw new Error('the owed cancel-all could not be read or performed; it stays owed');
      return { kind: out.kind };
    },
    'execution.exits': async (p, run) => {
      // A KR pass runs on the KR lane (its broker, quotes and KRX sessions); absent market = US, as jobs always were.
      const lane = marketLane(deps, p.market ?? 'US');
      if (!lane) return noKrLane(deps, 'exits');
      const outcomes = await runExits(lane.exits);
      await alertAmbiguousOrders(lane.alerts, lane.broker.name, ambiguousOf(outcomes));
      // Blocked/skipped repeat on every pass while they last; the digest and alerts carry them, not a message per pass.
      const news = outcomes.filter((o) => o.status !== 'skipped' && o.status !== 'blocked');
      await circuitAfterOrders(lane, { answered: news.length > 0, filled: outcomes.some((o) => o.filledQty > 0) });
      if (news.length > 0) {
        for (const r of await lane.fillRecipients()) {
          await lane.publisher.publish(r.chatId, { kind: 'execution.exits', outcomes: news }, { key: `${run.job.id}-to-${r.chatId}`, silent: r.silent });
        }
      }
      return { outcomes: outcomes.map((o) => ({ symbol: o.symbol, reason: o.reason, status: o.status })) };
    },
    'execution.mark': async (p) => {
      const market = p.market ?? 'US';
      const lane = marketLane(deps, market);
      if (!lane) return noKrLane(deps, 'mark');
      // Staleness first: a mark made on old prices is never visible without its alert (it depends only on the bars).
      await staleDataAlerts(lane, p.date, market);
      const res = await markToMarket({ ...lane.marks, market }, { date: p.date });
      const circuit = await lane.circuit.checkSessionLoss(lane.broker.name, p.date);
      if (market !== 'US') {
        // The drift tests watch the US hypotheses and US fills (issue 21): a KR mark does not run them.
        return { market, date: res.date, equity: res.equity, positions: res.positions.length, missing: res.missing, circuit: circuit.kind };
      }
      // Issue 21 part 3: the drift tests after the session's mark (idempotent: one alert per breach episode).
      const drift = await runDriftCheck(driftCheckDepsOf(deps), p.date);
      return { date: res.date, equity: res.equity, positions: res.positions.length, missing: res.missing, circuit: circuit.kind, drift };
    },
    'execution.reconcile': async (p, run) => {
      // A cancel-all still owed goes first: reconciling open orders a kill should have cancelled would report them as mismatches.
      await deps.owedCancel.run('reconcile');
      const us = await reconcileLane(deps, p.chatId, `${run.job.id}-reply`);
      // Each market's book against its own broker; Korea's reply has a key of its own.
      const kr = deps.kr ? await reconcileLane({ ...deps, broker: deps.kr.broker, reconcile: deps.kr.reconcile }, p.chatId, `${run.job.id}-reply-kr`) : null;
      return { ...us, ...(kr ? { kr } : {}) };
    },
    'execution.open_queue': async () => {
      const now = deps.now ?? (() => new Date());
      const us: QueueDeps = { db: deps.db, hours: deps.marketHours ?? EXCHANGE_HOURS, now, market: 'US' };
      // Korea's queue waits for KRX's continuous session (its lane's hours, run-time overrides applied).
      // Null hours: the overrides cannot be read, so KR rows are neither moved, sent nor expired this run.
      const krHours = deps.kr ? await krQueueHours(deps, deps.kr.marketHours) : null;
      const kr: QueueDeps | null = deps.kr && krHours ? { db: deps.db, hours: krHours, now, market: 'KR' } : null;
      const krSkipped = deps.kr !== undefined && krHours === null;
      // A KRX open that moved since its orders were queued (a late open declared later) moves them first,
      // so they are neither expired nor sent at the old open; a KRX day closed since expires its rows now.
      const rewound = kr ? await rewindowQueued(kr) : { moved: [], expired: [] };
      const moved = rewound.moved;
      for (const o of moved) {
        await deps.audit
          .append({ action: 'order.queue_moved', actor: 'open-queue', queuedId: o.id, market: o.market, sessionDate: o.sessionDate, sendAt: o.sendAt.toISOString(), expiresAt: o.expiresAt.toISOString() })
          .catch((err: unknown) => deps.execution.logger?.error({ err, action: 'order.queue_moved', queuedId: o.id }, 'audit append failed'));
      }
      // Expired first: an order past open + 30 min is never sent, whatever else this run does. Every market's, but
      // KR's when KRX's hours are unknown this run (a late open may have moved their expiry; the next run retries).
      const expiredDue = await expireDue(us, krSkipped ? { markets: ['US'] } : {});
      const expired = [...rewound.expired.map((o) => ({ o, reason: 'session_closed' as const })), ...expiredDue.map((o) => ({ o, reason: 'window_passed' as const }))];
      for (const { o, reason } of expired) {
        await deps.audit
          .append({ action: 'order.queue_expired', actor: 'open-queue', queuedId: o.id, kind: o.kind, market: o.market, expiresAt: o.expiresAt.toISOString(), reason, sessionDate: o.sessionDate })
          // The row is expired already; its chat is told below either way.
          .catch((err: unknown) => deps.execution.logger?.error({ err, action: 'order.queue_expired', queuedId: o.id }, 'audit append failed'));
        const pick = o.kind === 'entry' && o.pickId && o.cardMessageId ? await deps.picks.get(o.pickId).catch(orElse(deps, null, 'pick unreadable; the expiry notice goes without its card', { queuedId: o.id })) : null;
        const card = pick && o.cardMessageId ? { messageId: o.cardMessageId, pick } : null;
        await deps.publisher.publish(o.chatId, { kind: 'queue.expired', order: o, card }, { key: `queue-expired-${o.id}` });
      }
      const kinds = deps.dispatchQueuedClose ? (['entry', 'flatten', 'close'] as const) : (['entry', 'flatten'] as const);
      // Each market's rows on its own exchange's hours: one run at either open sends only what is due there.
      const due = [...(await releaseDue(us, { kinds })), ...(kr ? await releaseDue(kr, { kinds }) : [])];
      for (const o of due) await handOn(deps, o);
      return {
        expired: expired.map(({ o }) => o.id),
        sent: due.map((o) => o.id),
        ...(moved.length > 0 ? { moved: moved.map((o) => o.id) } : {}),
        ...(krSkipped ? { krSkipped: 'calendar_overrides_unreadable' } : {}),
      };
    },
    'execution.flatten': async (p, run) => {
      // `/kill flatten` names no market: every lane is flattened, US first, each on its own broker.
      const markets: Market[] = p.market ? [p.market] : deps.kr ? ['US', 'KR'] : ['US'];
      const orders: Partial<Record<Market, number>> = {};
      for (const market of markets) {
        const lane = marketLane(deps, market);
        if (!lane) {
          noKrLane(deps, 'flatten');
          continue;
        }
        const nowMs = (deps.now ?? (() => new Date()))().getTime();
        // KRX's hours always; NYSE's when the sell-all of two books names no market (confirmed while KRX was open
        // and NYSE closed: the US book has its own queue offer, and an IOC now would only sit refused at the broker).
        const closedHours = market === 'KR' ? deps.kr?.marketHours : !p.market && deps.kr ? (deps.execution.marketHours ?? deps.marketHours) : undefined;
        if (closedHours && !closedHours.isOpen(nowMs)) {
          // The exchange takes no IOC orders now (closed, or an auction): sending would only be refused and use up
          // the day's flatten attempts. The book is told as held, with the next open; nothing is sent.
          const held = await lane.broker.listPositions().catch(orElse(lane, null, `${market} broker positions unreadable; the not-now reply goes without them`, { market }));
          if (held === null || held.length > 0) {
            const next = closedHours.nextOpen(nowMs);
            await lane.publisher.publish(
              p.chatId,
              { kind: 'execution.flatten', outcomes: [], brokerPositions: held, notNow: { market, positions: (held ?? []).map((x) => ({ symbol: x.symbol, qty: x.qty })), nextOpenMs: next?.open ?? null } },
              { key: market === 'US' ? `${run.job.id}-reply` : `${run.job.id}-reply-${market.toLowerCase()}` },
            );
          }
          orders[market] = 0;
          continue;
        }
        const outcomes = await flattenAll(lane.exits, { requestedBy: p.userId, confirmedEpoch: p.epoch });
        orders[market] = outcomes.length;
        await alertAmbiguousOrders(lane.alerts, lane.broker.name, ambiguousOf(outcomes));
        const positions = await lane.broker.listPositions().catch(orElse(lane, null, 'broker positions unreadable; the flatten reply goes without them', { market }));
        // A KR book with nothing in it and nothing at its broker needs no second message; the US reply is always sent (its proof, as before).
        if (market === 'KR' && outcomes.length === 0 && positions !== null && positions.length === 0) continue;
        // One reply per market: amounts of two currencies are never added up in one message. Keys differ per market.
        await lane.publisher.publish(p.chatId, { kind: 'execution.flatten', outcomes, brokerPositions: positions }, { key: market === 'US' ? `${run.job.id}-reply` : `${run.job.id}-reply-${market.toLowerCase()}` });
      }
      return { orders: orders.US ?? 0, ...(orders.KR !== undefined ? { kr: orders.KR } : {}) };
    },
  };
}

/** One market's reconciliation: booked fixes checked by the breaker, the mismatch alert raised or resolved, the report to `chatId`. */
async function reconcileLane(deps: ExecutionQueueDeps, chatId: number | undefined, replyKey: string): Promise<{ ok: boolean; fixed: number; mismatches: number }> {
  const report = await reconcile(deps.reconcile);
  // Orders the reconciliation booked are fills too.
  if (report.fixed.some((f) => f.filledQty > 0)) await deps.circuit.checkSessionLoss(deps.broker.name);
  const key = alertKeys.reconcileMismatch(deps.broker.name);
  // Admins hear of a mismatch once per episode (and when it clears), not at every run.
  if (report.ok) await deps.alerts.resolve(key, { code: 'reconcile.matching', broker: report.broker });
  else await deps.alerts.raise({ key, kind: ALERT_KINDS.reconcileMismatch, severity: 'critical', detail: reconcileMismatchDetail(report) });
  if (chatId !== undefined) await deps.publisher.publish(chatId, { kind: 'execution.reconcile', report }, { key: replyKey });
  return { ok: report.ok, fixed: report.fixed.length, mismatches: report.mismatches.length };
}

/** An approval's run on its market's lane (see {@link laneOfPick}). */
async function runApproval(deps: ExecutionQueueDeps, p: ExecutionRunPayload, run: { job: Job }) {
  const checking = stillChecking(deps, p, run.job);
  let out: ExecutionOutcome;
  try {
    out = await executeApproval(deps.execution, p.approvalId);
  } finally {
    // A notice on its way is published before the outcome, so the chat reads them in order.
    await checking.stop();
  }
  if (out.kind === 'pending' && out.cause.code === 'ambiguous') {
    // Another order holds the id at the broker: a retry would only look it up and meet the same
    // order. The trader is told, admins alerted; the recovery pass, /stuck and /resolve take over.
    await tellOutcome(deps, out, p, `${run.job.id}-outcome`);
    await brokerAlert(deps, out);
    return { kind: out.kind, circuit: {} };
  }
  if (out.kind === 'pending' || (out.kind === 'failed' && out.retryable)) {
    // Only an order that may be at the broker is "still being checked"; a retryable failure
    // (no quote, account unreadable, not placed) has sent nothing and is told when it ends.
    if (out.kind === 'pending') await checking.tellIfDue();
    throw new OutcomePendingError(deps.unfinishedReason(out));
  }
  // The trader hears first (the breaker's P&L read would delay the confirmation); the breaker
  // runs even when telling failed, and a retry re-reads the stored outcome and checks again.
  let circuit: Awaited<ReturnType<typeof circuitAfterOrders>>;
  try {
    await tellOutcome(deps, out, p, `${run.job.id}-outcome`);
  } finally {
    circuit = await circuitAfterOrders(deps, { answered: true, filled: out.kind === 'filled' || out.kind === 'partially_filled' });
  }
  await brokerAlert(deps, out);
  return { kind: out.kind, circuit };
}

/**
 * The queue's deps with `pickId`'s market lane in place of the US one: a KR
 * pick's approval goes to the KR broker with KR limits. The pick's symbol
 * decides (six digits: KR). An unreadable pick throws, so BullMQ retries
 * rather than sending the order to a broker that may be the wrong one.
 */
async function laneOfPick(deps: ExecutionQueueDeps, pickId: string): Promise<ExecutionQueueDeps> {
  if (!deps.kr) return deps;
  const pick = await deps.picks.get(pickId);
  if (!pick || marketOfSymbol(pick.symbol) !== 'KR') return deps;
  return withLane(deps, deps.kr);
}

/** The queue's deps with `lane` in place of the US one (broker, approvals, exits, marks, reconciliation). */
function withLane(deps: ExecutionQueueDeps, lane: MarketLane): ExecutionQueueDeps {
  return { ...deps, broker: lane.broker, execution: lane.execution, exits: lane.exits, marks: lane.marks, reconcile: lane.reconcile };
}

/** The queue's deps for `market`: the US ones, or Korea's lane; null when no KR lane is wired. */
function marketLane(deps: ExecutionQueueDeps, market: Market): ExecutionQueueDeps | null {
  if (market === 'US') return deps;
  return deps.kr ? withLane(deps, deps.kr) : null;
}

/** A KR job with no KR broker wired (BROKER_KR unset): nothing to act on, said in the log and the job's result rather than thrown (a retry would not wire one). */
function noKrLane(deps: ExecutionQueueDeps, job: string): { skipped: 'no_kr_lane' } {
  deps.execution.logger?.warn({ job, market: 'KR' }, 'a KR job ran with no KR lane wired; nothing done');
  return { skipped: 'no_kr_lane' };
}

/**
 * A queued order at the open, handed to its usual path under a jobId keyed by
 * it (so handing it on twice runs it once): an entry to `execution.run` (the
 * approval's job: fresh quote, kill switch, drift band, gates, the one order
 * lifecycle), a flatten to `execution.flatten` bound to its kill epoch.
 */
async function handOn(deps: ExecutionQueueDeps, o: QueuedOrder): Promise<void> {
  if (o.kind === 'entry' && o.approvalId && o.pickId) {
    await deps.jobs.add(
      'execution.run',
      { approvalId: o.approvalId, pickId: o.pickId, chatId: o.chatId, userId: o.requestedBy, ...(o.cardMessageId ? { cardMessageId: o.cardMessageId } : {}) },
      { jobId: `exec-${o.approvalId}` },
    );
  } else if (o.kind === 'flatten' && o.killEpoch !== null) {
    // Its own market's book only: each market's flatten is queued for that market's open.
    await deps.jobs.add('execution.flatten', { updateId: 0, chatId: o.chatId, userId: o.requestedBy, role: o.role, epoch: o.killEpoch, market: o.market }, { jobId: `flatten-${o.id}` });
  } else if (o.kind === 'close' && deps.dispatchQueuedClose) {
    await deps.dispatchQueuedClose(o);
  }
}

/**
 * KRX's order hours for the open queue with the run-time calendar overrides applied, or null when
 * the overrides cannot be read (logged). The rule calendar is no fallback: on a late-open day it
 * would send KR rows before KRX takes orders and expire them an hour early, and it cannot see a
 * closure. So the run leaves KR rows as they are (not moved, sent nor expired); the next open-queue
 * run (the next slot of either market, e.g. KRX open + 30 min or the NYSE open + 1 min) reads the
 * overrides again. A skipped open + 1 min may leave a row unsent until it expires: the safe side.
 */
async function krQueueHours(deps: ExecutionQueueDeps, base: MarketHours): Promise<MarketHours | null> {
  const port = deps.calendarOverrides ?? sharedCalendarOverrides(deps.db);
  try {
    return krxHoursWithOverrides(base, await port.forExchange('XKRX'));
  } catch (err) {
    deps.execution.logger?.warn({ err, market: 'KR' }, 'calendar overrides unreadable: the KR open queue moves, sends and expires nothing this run (the next run retries)');
    return null;
  }
}

/** A broker rejection opens an alert for admins; the next order the broker accepts closes it. An order id held by another order opens one of its own. */
async function brokerAlert(deps: ExecutionQueueDeps, out: ExecutionOutcome): Promise<void> {
  const broker = deps.broker.name;
  const key = alertKeys.brokerRejected(broker);
  if (out.kind === 'refused' && out.gate === 'broker') {
    await deps.alerts.raise({ key, kind: ALERT_KINDS.brokerRejected, severity: 'warning', detail: { code: 'broker.rejected', broker, symbol: out.symbol, reason: out.reason } });
  } else if (out.kind === 'filled' || out.kind === 'partially_filled' || out.kind === 'not_filled') {
    // The broker took this order (whatever filled): a refusal alert still open is closed.
    await deps.alerts.resolve(key, { code: 'broker.accepted', broker, symbol: out.symbol });
  } else if (out.kind === 'pending' && out.cause.code === 'ambiguous') {
    // The job's retries only look it up: one alert per order id.
    await alertAmbiguousOrders(deps.alerts, broker, [{ clientOrderId: out.clientOrderId ?? `approval ${out.approvalId}`, evidence: out.cause.error }]);
  }
}

/**
 * The circuit breaker after orders were answered (`filled`: some filled, so
 * the session's P&L moved). Returns what each check found, for the job's result.
 */
async function circuitAfterOrders(deps: ExecutionQueueDeps, what: { answered: boolean; filled: boolean }): Promise<{ rejections?: string; sessionLoss?: string }> {
  const broker = deps.broker.name;
  const rejections = what.answered ? (await deps.circuit.checkRejections(broker)).kind : undefined;
  const sessionLoss = what.filled ? (await deps.circuit.checkSessionLoss(broker)).kind : undefined;
  return { ...(rejections ? { rejections } : {}), ...(sessionLoss ? { sessionLoss } : {}) };
}

/** A data source and the date of its newest bar (`YYYY-MM-DD` text). */
const SourceLastRow = z.object({ source: pgText, last: pgText });

/**
 * After a session's mark: real (non-DEMO) data sources whose newest bar is
 * older than that session are stale — scans and marks use old prices.
 * Synthetic demo data never updates and is labelled DEMO everywhere instead.
 */
async function staleDataAlerts(deps: ExecutionQueueDeps, sessionDate: string, market: Market): Promise<void> {
  // The market's own sources against its own session date (a KR mark is dated in Seoul).
  const rows = await rowsOf(deps.db, SourceLastRow, `SELECT source, to_char(max(last_date), 'YYYY-MM-DD') AS last FROM bar_symbols WHERE NOT demo AND market = $1 GROUP BY source`, [market]);
  for (const r of rows) {
    const key = alertKeys.dataStale(r.source);
    if (r.last < sessionDate) {
      await deps.alerts.raise({ key, kind: ALERT_KINDS.dataStale, severity: 'warning', detail: { code: 'data.stale', source: r.source, last: r.last, sessionDate } });
    } else {
      await deps.alerts.resolve(key, { code: 'data.current', source: r.source, last: r.last });
    }
  }
}

/**
 * When an execution job first started: the first attempt's start while it is the first
 * (`processedOn`); on a retry, or a re-run of a stalled attempt, when the job became due
 * (added, plus its delay) — the first attempt started then, or later when every worker was
 * busy, so the trader is never told later than the deadline. Kept in the job itself, so it
 * holds across retries and worker restarts.
 */
function firstStartedAt(job: Job): number {
  if (job.attemptsStarted <= 1 && job.attemptsMade === 0 && job.processedOn) return job.processedOn;
  return job.timestamp + (job.opts.delay ?? 0);
}

/**
 * The "still checking" notice of one `execution.run` attempt: a timer fires it when the deadline
 * (EXEC_TELL_PENDING_AFTER_MS after the job first started) comes while this attempt is still
 * finding the outcome, and an attempt that ends with the outcome unknown past the deadline sends
 * it at its end. It is published under a key of the job (`<job id>-checking`), so retries and
 * restarts send it once at most; an outcome known before the deadline stops the timer unsent.
 */
function stillChecking(deps: ExecutionQueueDeps, p: { pickId: string; chatId: number }, job: Job): { stop(): Promise<void>; tellIfDue(): Promise<void> } {
  const deadline = firstStartedAt(job) + (deps.tellPendingAfterMs ?? TELL_PENDING_AFTER_MS);
  let told: Promise<void> | null = null;
  // Telling is best effort: a lost notice never fails the order's job (a retry's end tells it again).
  // A failed one is logged and forgotten, so a later call may tell it; the promise never rejects.
  const tell = (): Promise<void> => {
    told ??= (async () => {
      const pick = await deps.picks.get(p.pickId).catch(orElse(deps, null, 'pick unreadable; the still-checking notice goes without its symbol', { pickId: p.pickId }));
      await deps.publisher.publish(p.chatId, { kind: 'execution.still-checking', broker: deps.broker.name, pickId: p.pickId, symbol: pick?.symbol ?? null }, { key: `${String(job.id)}-checking` });
    })().catch((err: unknown) => {
      deps.execution.logger?.debug({ err, pickId: p.pickId }, 'still-checking notice not sent; a later attempt tells it');
      told = null;
    });
    return told;
  };
  const left = deadline - Date.now();
  const timer = setTimeout(() => void tell(), left > 0 ? left : TELL_PENDING_GRACE_MS);
  timer.unref();
  return {
    stop: async () => {
      clearTimeout(timer);
      await told;
    },
    tellIfDue: async () => {
      if (Date.now() < deadline) return;
      await tell();
    },
  };
}

/** The confirmation (the card shows the outcome, buttons gone); a small chart follows as its own job. */
export async function tellOutcome(deps: ExecutionQueueDeps, out: ExecutionOutcome, p: { pickId: string; chatId: number; cardMessageId?: number | undefined }, key: string): Promise<void> {
  // Each is an embellishment of the confirmation: unreadable, it goes without it.
  const [fill, card, pick] = await Promise.all([
    loadFillContext(deps.db, out).catch(orElse(deps, null, 'fill context unreadable; the confirmation goes without it', { pickId: p.pickId })),
    p.cardMessageId ? Promise.resolve({ chatId: p.chatId, messageId: p.cardMessageId }) : deps.cardOf(p.pickId).catch(orElse(deps, null, 'card unreadable; the outcome is published without it', { pickId: p.pickId })),
    deps.picks.get(p.pickId).catch(orElse(deps, null, 'pick unreadable; the outcome is published without its card', { pickId: p.pickId })),
  ]);
  const onCard = card && pick && card.chatId === p.chatId ? { messageId: card.messageId, pick } : null;
  await deps.publisher.publish(p.chatId, { kind: 'execution.outcome', outcome: out, fill, card: onCard }, { key });
  // Rendering costs ~40 ms of CPU on the worker's event loop: the chart is its own job, a moment
  // later, so the confirmation is not held back behind it. No candles, no chart.
  if ((out.kind === 'filled' || out.kind === 'partially_filled') && fill && fill.candles.length > 0 && out.avgFillPrice !== null && out.filledQty > 0) {
    await deps.jobs.add('execution.chart', { approvalId: out.approvalId, pickId: p.pickId, chatId: p.chatId }, { jobId: `${key}-chart`, delay: CHART_DELAY_MS });
  }
}

/**
 * An execution that failed through every retry. When nothing can have reached
 * the broker the approval is closed (budget released) and the chat is told so;
 * otherwise the order's outcome is unknown and reconciliation settles it.
 */
export async function tellExecutionGaveUp(deps: ExecutionQueueDeps, job: Job, err: Error): Promise<void> {
  const p = executionRunSchema.safeParse(job.data);
  if (!p.success) return;
  const why = deps.scrub(err.message).slice(0, 300);
  const out = await giveUpApproval(deps.execution, p.data.approvalId, gaveUpReason(job.attemptsMade, why)).catch((e: unknown) => {
    // The chat is still told it gave up; an approval left open is settled by reconciliation or the recovery pass.
    deps.execution.logger?.warn({ err: e, approvalId: p.data.approvalId }, 'gave-up approval not closed');
    return null;
  });
  if (out && out.kind === 'failed') {
    await tellOutcome(deps, out, p.data, `${job.id}-gave-up`);
    return;
  }
  await deps.publisher.publish(p.data.chatId, { kind: 'execution.gave-up', pickId: p.data.pickId, tries: job.attemptsMade, error: why }, { key: `${job.id}-gave-up` });
}
