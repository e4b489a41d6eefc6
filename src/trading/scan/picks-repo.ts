import { z } from 'zod';
import type { TableSession, TableUnitOfWork } from '../../adapters/db/port.js';
import { MARKETS, type Market } from '../../engine/market/markets.js';
import type { PickSource } from '../../engine/scan/pick-sources.js';
import type { Signal } from '../../engine/signal.js';
import { pgBool, pgInt, pgText, pgTextArray, pgTimestamp } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';
import type { StoredPick } from './pick.js';
import { pickId } from './pick-id.js';
import { AuditLog } from '../audit/audit-log.js';
import { DecisionJournal, type DecisionRecorder } from '../journal/record.js';
import type { DecisionRow } from '../journal/scan-decisions.js';

export type { StoredPick } from './pick.js';

/** A pick as a scan hands it to storage: the levels it trades (`signal`), its size, and every source behind it. */
export interface PickToStore {
  signal: Signal;
  size: { qty: number; dollarRisk: number };
  demo: boolean;
  /** Every source that signalled it (see {@link StoredPick.sources}); default none. */
  sources?: readonly PickSource[];
  /** The market it trades in (default US); the row's currency is that market's. */
  market?: Market;
}

/**
 * A stored source (jsonb written from a {@link PickSource} by {@link PicksRepo.upsertPicks}): an object naming its source.
 * The plain reads check it the same way in the picks tables (src/adapters/db/tables/picks/pick-json.ts).
 */
const StoredPickSource = z.custom<PickSource>((v) => typeof v === 'object' && v !== null && typeof (v as { source?: unknown }).source === 'string', {
  message: 'expected a stored pick source (an object with a source)',
});

/** A `picks` row as the upsert's RETURNING {@link COLUMNS} gives it: levels and sizes float8, `qty` integer, `reasons` a jsonb array of text. */
const PickRowSchema = z.object({
  id: pgText,
  symbol: pgText,
  strategy: pgText,
  session_date: pgText,
  entry: pgInt,
  stop: pgInt,
  target: pgInt.nullable(),
  qty: pgInt,
  dollar_risk: pgInt,
  reasons: pgTextArray,
  demo: pgBool,
  state: pgText,
  expires_at: pgTimestamp,
  pick_sources: z.array(StoredPickSource).nullable(),
});
type PickRow = z.output<typeof PickRowSchema>;

function toPick(r: PickRow): StoredPick {
  return {
    id: r.id,
    symbol: r.symbol,
    strategy: r.strategy,
    sessionDate: r.session_date,
    entry: r.entry,
    stop: r.stop,
    target: r.target,
    qty: r.qty,
    dollarRisk: r.dollar_risk,
    reasons: r.reasons,
    demo: r.demo,
    state: r.state,
    expiresAt: r.expires_at,
    sources: r.pick_sources ?? [],
  };
}

/** The pick a symbol already has this session (`session_date` formatted as text). */
const HeldPickRow = z.object({ session_date: pgText, symbol: pgText, strategy: pgText });
const ClaimedCardRow = z.object({ pick_id: pgText });

const COLUMNS = `id, symbol, strategy, to_char(session_date, 'YYYY-MM-DD') AS session_date, entry, stop, target, qty, dollar_risk, reasons, demo, state, expires_at, pick_sources`;

/**
 * Scan runs and picks in Postgres, and the decisions of each scan (the journal). Plain reads and
 * writes go through `db.tables.picks`; the statements below that carry an invariant (the bulk
 * upsert, claiming cards, lazy expiry) stay reviewed SQL with their rows parsed.
 */
export class PicksRepo {
  private readonly journal: DecisionRecorder | null;

  /**
   * @param journal where a scan's decisions go. By default, on a full unit of work (the app's),
   * the decision journal with its own `AuditLog` writer: the chain stays one line across writers
   * (each append takes the chain's advisory lock), and the scan's wiring (src/app) needs no change.
   */
  constructor(
    private readonly db: TableSession,
    journal?: DecisionRecorder | null,
  ) {
    this.journal = journal !== undefined ? journal : isUnitOfWork(db) ? new DecisionJournal(db, new AuditLog(db)) : null;
  }

  /** Records a scan's decisions (no-op without a journal). */
  async recordDecisions(run: { runId: string; asOf: string; at: Date }, rows: readonly DecisionRow[]): Promise<void> {
    await this.journal?.recordScan(run, rows);
  }

  /**
   * Records a running scan of one market. Reviewed SQL rather than `tables.picks.insertRun`: that
   * insert does not name `market` yet, and a KR run filed under the column's US default would be
   * wrong silently. ON CONFLICT DO NOTHING: a retried start leaves the stored run as it is.
   */
  async createRun(run: { id: string; requestedBy: number; chatId: number; asOf: string; strategies: string[]; symbols: number; demo: boolean; market?: Market }): Promise<void> {
    await this.db.exec(
      `INSERT INTO scan_runs (id, requested_by, chat_id, as_of, strategies, status, symbols, demo, market)
       VALUES ($1, $2::bigint, $3::bigint, $4::date, $5::text[], 'running', $6, $7, $8)
       ON CONFLICT (id) DO NOTHING`,
      // bigint columns sent as text so no id is rounded on the way.
      [run.id, String(run.requestedBy), String(run.chatId), run.asOf, run.strategies, run.symbols, run.demo, run.market ?? 'US'],
    );
  }

  async finishRun(id: string, r: { evaluated: number; signals: number; summary: unknown }): Promise<void> {
    await this.db.tables.picks.finishRun(id, r);
  }

  /**
   * Stores picks for a session. A signal found again by a later scan keeps its
   * id and its decision state (an approved pick is never reset to pending),
   * and its deadline once a card shows it: only a pending pick no chat was
   * shown yet gets the new scan's deadline.
   *
   * One pick per (session, symbol): a symbol that already has a pick this
   * session keeps that pick as stored (its id, source, levels, size and
   * sources), whichever source binds this time — a card's numbers never
   * change and no second card is posted for the symbol.
   */
  async upsertPicks(runId: string, picks: readonly PickToStore[], expiresAt: Date): Promise<StoredPick[]> {
    if (picks.length === 0) return [];
    const existing = await rowsOf(
      this.db,
      HeldPickRow,
      `SELECT DISTINCT ON (session_date, symbol) to_char(session_date, 'YYYY-MM-DD') AS session_date, symbol, strategy
         FROM picks WHERE (session_date, symbol) IN (SELECT * FROM unnest($1::date[], $2::text[]))
        ORDER BY session_date, symbol, created_at, id`,
      [picks.map((p) => p.signal.date), picks.map((p) => p.signal.symbol)],
    );
    const held = new Map(existing.map((r) => [`${r.session_date}|${r.symbol}`, r.strategy]));
    const strategyOf = (p: PickToStore) => held.get(`${p.signal.date}|${p.signal.symbol}`) ?? p.signal.strategy;
    const idOf = (p: PickToStore) => pickId(p.signal.date, p.signal.symbol, strategyOf(p));
    const rows = await rowsOf(
      this.db,
      PickRowSchema,
      `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, expires_at, pick_sources, market, currency)
       SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::int[], $12::float8[], $13::jsonb[], $14::bool[], $15::timestamptz[], $16::jsonb[], $17::text[], $18::text[])
       ON CONFLICT (session_date, symbol, strategy) DO UPDATE SET
         scan_run_id = EXCLUDED.scan_run_id,
         expires_at = CASE WHEN picks.state = 'PENDING' AND NOT EXISTS (SELECT 1 FROM pick_cards c WHERE c.pick_id = picks.id)
                           THEN EXCLUDED.expires_at ELSE picks.expires_at END
       RETURNING ${COLUMNS}`,
      [
        picks.map(idOf),
        picks.map(() => runId),
        picks.map((p) => p.signal.date),
        picks.map((p) => p.signal.symbol),
        picks.map(strategyOf),
        picks.map((p) => p.signal.close),
        picks.map((p) => p.signal.stop),
        picks.map((p) => p.signal.target),
        picks.map((p) => p.signal.atr),
        picks.map((p) => p.signal.score),
        picks.map((p) => p.size.qty),
        picks.map((p) => p.size.dollarRisk),
        picks.map((p) => JSON.stringify(p.signal.reasons)),
        picks.map((p) => p.demo),
        picks.map(() => expiresAt),
        picks.map((p) => JSON.stringify(p.sources ?? [])),
        picks.map((p) => p.market ?? 'US'),
        picks.map((p) => MARKETS[p.market ?? 'US'].currency),
      ],
    );
    const byId = new Map(rows.map((r) => [r.id, toPick(r)]));
    // RETURNING order is not guaranteed: keep the caller's ranking.
    return picks.map((p) => byId.get(idOf(p))!).filter(Boolean);
  }

  /**
   * Records that the run's chat is shown a card for each of `pickIds` that is
   * still pending and unexpired and that chat has not been shown; returns
   * those (the new cards). Concurrent scans of one chat: one of them claims each.
   */
  async claimCards(runId: string, pickIds: readonly string[], now: Date): Promise<Set<string>> {
    if (pickIds.length === 0) return new Set();
    const rows = await rowsOf(
      this.db,
      ClaimedCardRow,
      // A retry of the same run (scan.finish re-run after a failed publish) gets its own claims back;
      // the no-op update makes RETURNING include them, while another run's claims stay out.
      `INSERT INTO pick_cards (pick_id, chat_id, posted_at, run_id)
       SELECT p.id, r.chat_id, $3, $1 FROM picks p JOIN scan_runs r ON r.id = $1
        WHERE p.id = ANY($2::text[]) AND p.state = 'PENDING' AND p.expires_at > $3 AND r.chat_id IS NOT NULL
       ON CONFLICT (pick_id, chat_id) DO UPDATE SET run_id = pick_cards.run_id WHERE pick_cards.run_id = $1
       RETURNING pick_id`,
      [runId, pickIds, now],
    );
    return new Set(rows.map((r) => r.pick_id));
  }

  async setCardMessage(id: string, chatId: number, messageId: number): Promise<void> {
    await this.db.tables.picks.setCardMessage(id, chatId, messageId);
  }

  /** One pick by id, or null. */
  async get(id: string): Promise<StoredPick | null> {
    return this.db.tables.picks.pick(id);
  }

  /**
   * Picks of a session (default: the latest session that has any), best
   * first. A pending pick past its deadline is marked EXPIRED first, so it is
   * never listed as pending.
   */
  async list(date?: string, now: Date = new Date()): Promise<{ date: string | null; picks: StoredPick[] }> {
    const day = date ?? (await this.db.tables.picks.latestSession());
    if (!day) return { date: null, picks: [] };
    // Compare-and-set on the state, kept as SQL: a pick approved meanwhile is never flipped.
    await this.db.exec(`UPDATE picks SET state = 'EXPIRED' WHERE session_date = $1 AND state = 'PENDING' AND expires_at <= $2`, [day, now]);
    return { date: day, picks: await this.db.tables.picks.sessionPicks(day) };
  }
}

function isUnitOfWork(db: TableSession): db is TableUnitOfWork {
  return typeof (db as Partial<TableUnitOfWork>).oneTrip === 'function';
}
