import type { Market } from '../../engine/market/markets.js';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { UnitOfWork } from '../../adapters/db/port.js';
import type { Broker, BrokerOrder, BrokerPosition } from '../../adapters/brokers/port.js';
import { isBrokerError } from '../../lib/broker-errors.js';
import { errText } from '../../lib/errors.js';
import { round6 } from '../../lib/numbers.js';
import { isTerminal } from '../../lib/order-status.js';
import { pgBool, pgInt, pgNumeric, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';
import type { KillSwitchState } from '../kill-switch/kill-switch.js';
import { executeApproval } from './execute.js';
import { ExitDesk } from './exit-order.js';

export interface ReconcileDeps {
  db: UnitOfWork;
  /** The market `broker` serves (default US): only its positions are compared with the broker's. */
  market?: Market;
  broker: Broker;
  audit: { append(e: { action: string; actor: string | number; [k: string]: unknown }): Promise<number> };
  /**
   * Books a sent entry order that is terminal at the broker but not in our
   * books. Default: `executeApproval` itself (the same booking code) with a
   * kill switch that always reads ON and no quotes, so even a bug could not
   * make it send anything; for a sent order it only looks up and books.
   */
  bookEntry?: (approvalId: string) => Promise<unknown>;
  /** Our orders touched within this long are left to the job that owns them. Default 60 s. */
  graceMs?: number;
  /** Average-cost difference (percent of the broker's) reported as a mismatch. Default 0.5. */
  avgCostTolerancePct?: number;
  now?: () => Date;
  logger?: Logger;
  scrub?: (text: string) => string;
  lockWaitMs?: number;
}

/** Bookkeeping repaired during the run (never an order placed or canceled). */
export interface ReconcileFix {
  kind: 'booked_entry' | 'booked_exit';
  clientOrderId: string;
  symbol: string;
  strategy: string;
  status: string;
  filledQty: number;
  qty: number;
  avgFillPrice: number | null;
}

/** An order as the broker shows it, for a mismatch about it. */
export interface BrokerOrderFacts {
  side: string;
  qty: number;
  symbol: string;
  limitPrice: number | null;
  status: string;
  clientOrderId: string;
}

export type MismatchKind =
  | 'unknown_broker_order'
  | 'missing_at_broker'
  | 'open_at_broker_booked_here'
  | 'never_sent'
  | 'qty'
  | 'avg_cost'
  | 'lookup_failed'
  | 'fix_failed'
  | 'broker_unreadable';

/**
 * Something that differs and needs a person (or a later run) to look at it:
 * `kind` says what, the other fields the figures (which ones depend on the kind).
 */
export interface ReconcileMismatch {
  kind: MismatchKind;
  symbol: string | null;
  clientOrderId?: string;
  /** Our order's kind, for mismatches about one of our orders. */
  orderKind?: 'entry' | 'exit';
  /** The broker's order, for orders open at the broker. */
  order?: BrokerOrderFacts;
  /** What could not be read (`broker_unreadable`). */
  what?: 'open orders' | 'positions';
  /** The broker's status of an order that could not be booked (`fix_failed`). */
  status?: string;
  /** Our figure and the broker's (`qty`, `avg_cost`). */
  ours?: number;
  broker?: number;
  /** Our strategies' shares of the symbol, e.g. `donchian 50` (`qty`). */
  parts?: string;
  /** `avg_cost`: the difference and the tolerance, in percent. */
  diffPct?: number;
  tolerancePct?: number;
  /** The scrubbed error of a failed call. */
  error?: string;
}

export interface ReconcileReport {
  checkedAt: string;
  broker: string;
  /** True when nothing differs (fixes made are fine). */
  ok: boolean;
  fixed: ReconcileFix[];
  mismatches: ReconcileMismatch[];
}

/** One of our orders not booked yet (`limit_price` numeric, as text). */
const UnbookedOrderSchema = z.object({
  id: pgText,
  kind: z.enum(['entry', 'exit']),
  approval_id: pgText.nullable(),
  client_order_id: pgText,
  symbol: pgText,
  strategy: pgText,
  side: z.enum(['buy', 'sell']),
  qty: pgInt,
  limit_price: pgNumeric,
  state: pgText,
  broker_order_id: pgText.nullable(),
  submit_attempted_at: pgTimestamp.nullable(),
});
type UnbookedOrder = z.output<typeof UnbookedOrderSchema>;
const KnownOrderRow = z.object({ client_order_id: pgText, booked: pgBool });
const BookedRow = z.object({ booked: pgBool });
/** Our shares of a symbol summed over strategies (int), their cost (numeric, as text) and the strategies' parts. */
const HeldSymbolRow = z.object({ symbol: pgText, qty: pgInt, cost: pgNumeric, parts: pgText });

const FAIL_CLOSED: KillSwitchState = { engaged: true, epoch: null, reason: 'reconciliation never sends orders', changedBy: null, changedAt: null, postgres: true, redis: true };

/**
 * Compares our books with the broker and reports every difference. It never
 * places or cancels an order. The one repair it makes is bookkeeping that is
 * provably safe: an order we sent (or may have sent) that the broker shows
 * as terminal but we never booked (a crash between the broker's answer and
 * our commit, or a partial fill) is booked by the same code the jobs use
 * (exits: the exit desk under the position lock; entries: `executeApproval`,
 * which for a sent order only looks up and books, once, under the approval
 * lock). Checks:
 *
 * 1. our unbooked orders (older than `graceMs`): missing at the broker,
 *    never sent, or terminal there → booked;
 * 2. broker open orders we do not know (orphans) or have already booked;
 * 3. positions per symbol (our strategies summed) vs the broker: quantity,
 *    and average cost beyond `avgCostTolerancePct`.
 *
 * Audited as `reconcile.run` with the counts.
 */
export async function reconcile(deps: ReconcileDeps): Promise<ReconcileReport> {
  const now = (deps.now ?? (() => new Date()))();
  const scrub = deps.scrub ?? ((s: string) => s);
  const text = (s: string) => scrub(s).slice(0, 300);
  const fixed: ReconcileFix[] = [];
  const mismatches: ReconcileMismatch[] = [];
  const brokerName = deps.broker.name;

  // 1. Our orders that are not booked yet.
  const ours = await rowsOf(
    deps.db,
    UnbookedOrderSchema,
    `SELECT id, kind, approval_id, client_order_id, symbol, strategy, side, qty, limit_price, state, broker_order_id, submit_attempted_at
       FROM orders WHERE booked_at IS NULL AND broker = $1 AND updated_at <= $2 ORDER BY created_at, id`,
    [brokerName, new Date(now.getTime() - (deps.graceMs ?? 60_000))],
  );
  const desk = new ExitDesk({
    db: deps.db,
    broker: deps.broker,
    quotes: { latestQuote: async () => Promise.reject(new Error('reconciliation does not quote')) },
    killSwitch: { state: async () => FAIL_CLOSED },
    audit: deps.audit,
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.scrub ? { scrub: deps.scrub } : {}),
    ...(deps.lockWaitMs !== undefined ? { lockWaitMs: deps.lockWaitMs } : {}),
  });
  const bookEntry = deps.bookEntry ?? defaultBookEntry(deps);
  for (const o of ours) {
    const sent = o.submit_attempted_at !== null || o.broker_order_id !== null || o.state !== 'new';
    let b: BrokerOrder | null;
    try {
      b = await deps.broker.findSubmitted({
        clientOrderId: o.client_order_id,
        brokerOrderId: o.broker_order_id,
        symbol: o.symbol,
        side: o.side,
        qty: o.qty,
        limitPrice: Number(o.limit_price),
        attemptedAt: o.submit_attempted_at,
      });
    } catch (e) {
      if (!isBrokerError(e)) throw e;
      mismatches.push({ kind: 'lookup_failed', symbol: o.symbol, clientOrderId: o.client_order_id, orderKind: o.kind, error: text(e.message) });
      continue;
    }
    if (!b) {
      mismatches.push({ kind: sent ? 'missing_at_broker' : 'never_sent', symbol: o.symbol, clientOrderId: o.client_order_id, orderKind: o.kind });
      continue;
    }
    if (!isTerminal(b.status)) continue; // still working at the broker: its job books it
    const booked = await bookTerminal(o, b).catch((e: unknown) => `error: ${text(errText(e))}`);
    if (booked === true) {
      fixed.push({
        kind: o.kind === 'exit' ? 'booked_exit' : 'booked_entry',
        clientOrderId: o.client_order_id,
        symbol: o.symbol,
        strategy: o.strategy,
        status: b.status,
        filledQty: b.filledQty,
        qty: b.qty,
        avgFillPrice: b.avgFillPrice,
      });
    } else if (booked !== false) {
      mismatches.push({ kind: 'fix_failed', symbol: o.symbol, clientOrderId: o.client_order_id, orderKind: o.kind, status: b.status, error: booked });
    }
  }

  // 2. Open orders at the broker.
  let open: BrokerOrder[] | null = null;
  try {
    open = await deps.broker.listOpenOrders();
  } catch (e) {
    if (!isBrokerError(e)) throw e;
    mismatches.push({ kind: 'broker_unreadable', symbol: null, what: 'open orders', error: text(e.message) });
  }
  if (open && open.length > 0) {
    const known = await rowsOf(
      deps.db,
      KnownOrderRow,
      `SELECT client_order_id, booked_at IS NOT NULL AS booked FROM orders WHERE client_order_id = ANY($1::text[])`,
      [open.map((o) => o.clientOrderId)],
    );
    const byId = new Map(known.map((k) => [k.client_order_id, k.booked]));
    for (const b of open) {
      const booked = byId.get(b.clientOrderId);
      const order: BrokerOrderFacts = { side: b.side, qty: b.qty, symbol: b.symbol, limitPrice: b.limitPrice, status: b.status, clientOrderId: b.clientOrderId };
      if (booked === undefined) {
        mismatches.push({ kind: 'unknown_broker_order', symbol: b.symbol, clientOrderId: b.clientOrderId, order });
      } else if (booked) {
        mismatches.push({ kind: 'open_at_broker_booked_here', symbol: b.symbol, clientOrderId: b.clientOrderId, order });
      }
    }
  }

  // 3. Positions (after the fixes above).
  let theirs: BrokerPosition[] | null = null;
  try {
    theirs = await deps.broker.listPositions();
  } catch (e) {
    if (!isBrokerError(e)) throw e;
    mismatches.push({ kind: 'broker_unreadable', symbol: null, what: 'positions', error: text(e.message) });
  }
  if (theirs) mismatches.push(...(await comparePositions(deps, theirs)));

  const report: ReconcileReport = {
    checkedAt: now.toISOString(),
    broker: brokerName,
    ok: mismatches.length === 0,
    fixed,
    mismatches,
  };
  const counts: Record<string, number> = {};
  for (const m of mismatches) counts[m.kind] = (counts[m.kind] ?? 0) + 1;
  try {
    await deps.audit.append({ action: 'reconcile.run', actor: 'reconcile', broker: brokerName, fixed: fixed.length, mismatches: mismatches.length, kinds: counts, checkedOrders: ours.length });
  } catch (e) {
    deps.logger?.error({ err: text(errText(e)) }, 'audit append failed');
  }
  return report;

  /** true: booked now; false: someone else booked it first. */
  async function bookTerminal(o: UnbookedOrder, b: BrokerOrder): Promise<boolean> {
    if (o.kind === 'exit') {
      const got = await desk.withPosition(o, async () => {
        const row = await desk.orderByClientId(o.client_order_id);
        if (!row || row.booked_at !== null) return false;
        return desk.book(row, b);
      });
      if (got === 'busy') throw new Error('an exit run holds the position; it books the order itself');
      return got;
    }
    if (!o.approval_id) throw new Error('entry order without an approval');
    // Only ever for an order that was sent: executeApproval then only looks it up and books it.
    if (o.submit_attempted_at === null && o.broker_order_id === null && o.state === 'new') throw new Error('not marked as sent; left to its job');
    await bookEntry(o.approval_id);
    const after = await rowOf(deps.db, BookedRow, `SELECT booked_at IS NOT NULL AS booked FROM orders WHERE id = $1`, [o.id]);
    if (!after?.booked) throw new Error('the execution job did not book it');
    return true;
  }
}

function defaultBookEntry(deps: ReconcileDeps): (approvalId: string) => Promise<unknown> {
  return (approvalId) =>
    executeApproval(
      {
        db: deps.db,
        broker: deps.broker,
        quotes: { latestQuote: async () => Promise.reject(new Error('reconciliation does not quote')) },
        killSwitch: { state: async () => FAIL_CLOSED },
        audit: deps.audit,
        dollarAdv: async () => null,
        waitTimeoutMs: 1_000,
        ...(deps.lockWaitMs !== undefined ? { lockWaitMs: deps.lockWaitMs } : {}),
        ...(deps.logger ? { logger: deps.logger } : {}),
        ...(deps.scrub ? { scrub: deps.scrub } : {}),
      },
      approvalId,
    );
}

async function comparePositions(deps: ReconcileDeps, theirs: BrokerPosition[]): Promise<ReconcileMismatch[]> {
  const tolerance = deps.avgCostTolerancePct ?? 0.5;
  const mine = await rowsOf(
    deps.db,
    HeldSymbolRow,
    `SELECT symbol, SUM(qty)::int AS qty, SUM(qty * avg_cost) AS cost, string_agg(strategy || ' ' || qty, ', ' ORDER BY strategy) AS parts
       FROM positions WHERE qty > 0 AND market = $1 GROUP BY symbol`,
    [deps.market ?? 'US'],
  );
  const ours = new Map(mine.map((m) => [m.symbol, m]));
  const broker = new Map(theirs.map((p) => [p.symbol, p]));
  const out: ReconcileMismatch[] = [];
  for (const symbol of [...new Set([...ours.keys(), ...broker.keys()])].sort()) {
    const o = ours.get(symbol);
    const b = broker.get(symbol);
    const oq = o?.qty ?? 0;
    const bq = b?.qty ?? 0;
    if (oq !== bq) {
      out.push({ kind: 'qty', symbol, ours: oq, broker: bq, ...(o ? { parts: o.parts } : {}) });
      continue;
    }
    if (o && b && oq > 0) {
      const ourAvg = Number(o.cost) / oq;
      const diffPct = b.avgEntryPrice > 0 ? (Math.abs(ourAvg - b.avgEntryPrice) / b.avgEntryPrice) * 100 : Infinity;
      if (diffPct > tolerance) {
        out.push({ kind: 'avg_cost', symbol, ours: round6(ourAvg), broker: round6(b.avgEntryPrice), diffPct, tolerancePct: tolerance });
      }
    }
  }
  return out;
}
