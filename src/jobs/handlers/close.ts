import type { SqlSession } from '../../adapters/db/port.js';
import type { Broker } from '../../adapters/brokers/port.js';
import { EXCHANGE_HOURS, type MarketHours } from '../../engine/market-hours.js';
import type { Alerts } from '../../trading/alerts/alerts.js';
import type { CircuitBreaker } from '../../trading/circuit-breaker/circuit-breaker.js';
import { loadCloseChart } from '../../trading/execution/close-chart.js';
import { closePosition, type CloseResult } from '../../trading/execution/close-position.js';
import type { ExitDeps } from '../../trading/execution/exit-types.js';
import type { Notifier } from '../../trading/notifier.js';
import type { QueuedOrder } from '../../trading/queue/queued-orders.js';
import type { JobProducer } from '../producer.js';
import type { JobHandler } from '../worker-runtime.js';
import { alertAmbiguousOrders, ambiguousOf } from './ambiguous-alert.js';
import { ignoredBecause } from '../ignore.js';
import { marketOfSymbol } from '../../engine/market/symbols.js';

/** What the close job needs (the `executions` queue's deps satisfy it). */
export interface CloseQueueDeps {
  db: SqlSession;
  /** Korea's broker, exits and session hours: a KR position is sold there (absent: no KR broker wired). */
  kr?: { broker: Pick<Broker, 'name'>; exits: ExitDeps; marketHours: MarketHours };
  broker: Pick<Broker, 'name'>;
  /** The exit deps: the same broker, quotes, kill switch, audit and limits as stops and flatten. */
  exits: ExitDeps;
  circuit: Pick<CircuitBreaker, 'checkRejections' | 'checkSessionLoss'>;
  publisher: Pick<Notifier, 'publish'>;
  /** Where an order whose id another order holds at the broker is raised for admins. */
  alerts: Pick<Alerts, 'raise'>;
  /** When IOC orders can fill. Default the exchange's sessions. */
  marketHours?: MarketHours;
}

/** The close's outcome is not known yet (order may be working, or the broker placed nothing): BullMQ runs the job again; the re-run only looks the order up. */
export class CloseOutcomePendingError extends Error {
  override readonly name = 'CloseOutcomePendingError';
}

/** True when a re-run can still settle (or, for a broker that placed nothing, send) the same order. */
function unsettled(r: CloseResult): string | null {
  if (r.kind === 'busy') return 'another run holds the position';
  if (r.kind !== 'outcome') return null;
  const o = r.outcome;
  // Another order holds the close's id at the broker: looking again meets the same order. Told now, admins alerted.
  if (o.note.code === 'ambiguous') return null;
  if (o.status === 'pending') return `close order ${o.clientOrderId ?? ''} is not settled yet (${o.note.code}); it is only looked up again`;
  if (o.note.code === 'not_placed') return `the broker placed nothing (${o.note.error}); the same order is sent by the next try`;
  return null;
}

/** The `execution.close` handler: the sale, then one confirmation (with its chart) keyed by the job. */
export function closeHandlers(deps: CloseQueueDeps): { 'execution.close': JobHandler<'execution.close'> } {
  return {
    'execution.close': async (p, run) => {
      // A KR position is sold by the KR broker within KRX hours; the US lane never sees it.
      const kr = deps.kr && marketOfSymbol(p.symbol) === 'KR' ? deps.kr : null;
      const lane = kr ? { ...deps, broker: kr.broker, exits: kr.exits } : deps;
      const result = await closePosition(lane.exits, kr ? kr.marketHours : (deps.marketHours ?? EXCHANGE_HOURS), {
        symbol: p.symbol,
        strategy: p.strategy,
        qty: p.qty,
        requestId: p.requestId,
        day: p.day,
        epoch: p.epoch,
        underKill: p.underKill,
        requestedBy: p.userId,
      });
      if (result.kind === 'outcome') await alertAmbiguousOrders(deps.alerts, lane.broker.name, ambiguousOf([result.outcome]));
      const retry = unsettled(result);
      if (retry) throw new CloseOutcomePendingError(retry);
      const filled = result.kind === 'outcome' && result.outcome.filledQty > 0;
      if (result.kind === 'outcome' && result.outcome.clientOrderId !== null) {
        // The breaker counts rejections and session losses from every order path: a close is one.
        // A check that fails here is made again after the next order: the sale is done either way.
        await deps.circuit.checkRejections(lane.broker.name).catch((err: unknown) => run.log.warn({ err }, 'circuit breaker: rejections not checked after the close'));
        if (filled) await deps.circuit.checkSessionLoss(lane.broker.name).catch((err: unknown) => run.log.warn({ err }, 'circuit breaker: session loss not checked after the close'));
      }
      const chart = filled ? ((await loadCloseChart(deps.db, p.symbol).catch(ignoredBecause(run.log, 'close chart not loaded; the confirmation is sent without it', { symbol: p.symbol }))) ?? null) : null;
      await deps.publisher.publish(
        p.chatId,
        { kind: 'portfolio.close', request: { symbol: p.symbol, strategy: p.strategy, qty: p.qty, underKill: p.underKill }, result, chart },
        { key: `${String(run.job.id)}-reply` },
      );
      return { result: result.kind, ...(result.kind === 'outcome' ? { status: result.outcome.status, clientOrderId: result.outcome.clientOrderId } : {}) };
    },
  };
}

/**
 * For the open queue (`ExecutionQueueDeps.dispatchQueuedClose`): a queued
 * `/close` handed to the same job at the open, keyed by the queued order's id
 * (handing it on twice runs it once). Without a kill epoch the lifecycle's
 * read right before the POST refuses it while the switch is on; with one (an
 * admin's close under kill) it sells only while the switch is at that epoch.
 */
export function dispatchQueuedClose(jobs: Pick<JobProducer, 'add'>): (o: QueuedOrder) => Promise<void> {
  return async (o) => {
    if (o.symbol === null || o.strategy === null || o.qty === null) return;
    await jobs.add(
      'execution.close',
      {
        updateId: 0,
        chatId: o.chatId,
        userId: o.requestedBy,
        role: o.role,
        symbol: o.symbol,
        strategy: o.strategy,
        qty: o.qty,
        requestId: o.id,
        // The session it was queued for is the trading day it may be sold on (a later run of it is stale).
        day: o.sessionDate,
        epoch: o.killEpoch,
        underKill: o.killEpoch !== null,
      },
      { jobId: `close-${o.id}` },
    );
  };
}
