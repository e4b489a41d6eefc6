import type { SqlSession } from '../../adapters/db/port.js';
import type { Signal } from '../../engine/signal.js';
import type { SuggestedSize } from '../../engine/scan/index.js';
import type { StoredPick } from './pick.js';
import { pickId } from './pick-id.js';

export type { StoredPick } from './pick.js';

interface PickRow {
  id: string;
  symbol: string;
  strategy: string;
  session_date: string;
  entry: number;
  stop: number;
  target: number | null;
  qty: number;
  dollar_risk: number;
  reasons: string[];
  demo: boolean;
  state: string;
  expires_at: Date;
}

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
  };
}

const COLUMNS = `id, symbol, strategy, to_char(session_date, 'YYYY-MM-DD') AS session_date, entry, stop, target, qty, dollar_risk, reasons, demo, state, expires_at`;

/** Scan runs and picks in Postgres. */
export class PicksRepo {
  constructor(private readonly db: SqlSession) {}

  async createRun(run: { id: string; requestedBy: number; chatId: number; asOf: string; strategies: string[]; symbols: number; demo: boolean }): Promise<void> {
    await this.db.exec(
      `INSERT INTO scan_runs (id, requested_by, chat_id, as_of, strategies, status, symbols, demo) VALUES ($1, $2, $3, $4, $5, 'running', $6, $7)
       ON CONFLICT (id) DO NOTHING`,
      [run.id, run.requestedBy, run.chatId, run.asOf, run.strategies, run.symbols, run.demo],
    );
  }

  async finishRun(id: string, r: { evaluated: number; signals: number; summary: unknown }): Promise<void> {
    await this.db.exec(`UPDATE scan_runs SET status = 'done', evaluated = $2, signals = $3, summary = $4, finished_at = now() WHERE id = $1`, [id, r.evaluated, r.signals, JSON.stringify(r.summary)]);
  }

  /**
   * Stores picks for a session. A signal found again by a later scan keeps its
   * id and its decision state (an approved pick is never reset to pending),
   * and its deadline once a card shows it: only a pending pick no chat was
   * shown yet gets the new scan's deadline.
   */
  async upsertPicks(runId: string, picks: { signal: Signal; size: SuggestedSize; demo: boolean }[], expiresAt: Date): Promise<StoredPick[]> {
    if (picks.length === 0) return [];
    const rows = await this.db.rows<PickRow>(
      `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, expires_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::int[], $12::float8[], $13::jsonb[], $14::bool[], $15::timestamptz[])
       ON CONFLICT (session_date, symbol, strategy) DO UPDATE SET
         scan_run_id = EXCLUDED.scan_run_id,
         expires_at = CASE WHEN picks.state = 'PENDING' AND NOT EXISTS (SELECT 1 FROM pick_cards c WHERE c.pick_id = picks.id)
                           THEN EXCLUDED.expires_at ELSE picks.expires_at END
       RETURNING ${COLUMNS}`,
      [
        picks.map((p) => pickId(p.signal.date, p.signal.symbol, p.signal.strategy)),
        picks.map(() => runId),
        picks.map((p) => p.signal.date),
        picks.map((p) => p.signal.symbol),
        picks.map((p) => p.signal.strategy),
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
      ],
    );
    const byId = new Map(rows.map((r) => [r.id, toPick(r)]));
    // RETURNING order is not guaranteed: keep the caller's ranking.
    return picks.map((p) => byId.get(pickId(p.signal.date, p.signal.symbol, p.signal.strategy))!).filter(Boolean);
  }

  /**
   * Records that the run's chat is shown a card for each of `pickIds` that is
   * still pending and unexpired and that chat has not been shown; returns
   * those (the new cards). Concurrent scans of one chat: one of them claims each.
   */
  async claimCards(runId: string, pickIds: readonly string[], now: Date): Promise<Set<string>> {
    if (pickIds.length === 0) return new Set();
    const rows = await this.db.rows<{ pick_id: string }>(
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
    await this.db.exec('UPDATE picks SET chat_id = $2, message_id = $3 WHERE id = $1', [id, chatId, messageId]);
  }

  /** One pick by id, or null. */
  async get(id: string): Promise<StoredPick | null> {
    const rows = await this.db.rows<PickRow>(`SELECT ${COLUMNS} FROM picks WHERE id = $1`, [id]);
    return rows[0] ? toPick(rows[0]) : null;
  }

  /**
   * Picks of a session (default: the latest session that has any), best
   * first. A pending pick past its deadline is marked EXPIRED first, so it is
   * never listed as pending.
   */
  async list(date?: string, now: Date = new Date()): Promise<{ date: string | null; picks: StoredPick[] }> {
    const day = date ?? (await this.db.rows<{ d: string | null }>(`SELECT to_char(max(session_date), 'YYYY-MM-DD') AS d FROM picks`))[0]?.d ?? null;
    if (!day) return { date: null, picks: [] };
    await this.db.exec(`UPDATE picks SET state = 'EXPIRED' WHERE session_date = $1 AND state = 'PENDING' AND expires_at <= $2`, [day, now]);
    const rows = await this.db.rows<PickRow>(`SELECT ${COLUMNS} FROM picks WHERE session_date = $1 ORDER BY score DESC, symbol`, [day]);
    return { date: day, picks: rows.map(toPick) };
  }
}
