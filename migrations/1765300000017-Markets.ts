import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two markets (US on NYSE in USD, KR on KRX in KRW): every row that holds a symbol, an amount of
 * money or a per-market session day says which market it belongs to, and an amount says its currency.
 *
 * Each table below gains `market text NOT NULL DEFAULT 'US'` with `<table>_market_check`
 * (`market IN ('US', 'KR')`); a table that holds money also gains `currency text NOT NULL DEFAULT
 * 'USD'` with `<table>_currency_check` (US ↔ USD, KR ↔ KRW). Every existing row was written by the
 * US-only code, so the defaults make it US/USD. The defaults stay for now because today's code inserts
 * without naming the market; a later migration drops them once every insert names its market, so a
 * forgotten KR insert fails instead of being filed as US.
 *
 * Until then the symbol guards the default: every table below with a `symbol` column gains
 * `<table>_symbol_market_check`, `(market = 'KR') = (symbol ~ '^[0-9]{6}$')` (plus `symbol IS NULL OR`
 * where the column is NULL-able: queued_orders, whose /kill flatten names no symbol). That is the
 * project's rule (parseSymbol in src/engine/market/symbols.ts: a KRX code is exactly six digits, any
 * other accepted ticker is US), and it costs nothing because no US ticker is six digits. So the US
 * default can never file a KR code as US — an insert that forgets the market is refused, naming the
 * constraint — and a US ticker can never be filed as KR. bar_packed has a symbol but no market (below).
 * The US-only code accepted six-digit codes (src/adapters/bars/symbols.ts named `069500`), so up()
 * files any existing six-digit row as KR (KRW where it holds money) before adding the CHECK: those
 * prices came from a KRX code's source, in won. Such rows then make down() refuse, as any KR row does.
 *
 * Market and currency (the row holds money):
 * - bars_daily: symbol, session date and prices. Key (symbol, date) kept: a symbol belongs to one market.
 * - paper_account: the paper broker's cash. Key `id = 1` kept: the paper broker is the US simulator
 *   (KR paper trading goes through the KIS emulator); a KR paper book would make the key `market`.
 * - paper_orders, paper_fills, paper_positions: symbol and prices. Keys kept (client order id; symbol).
 * - orders: symbol, limit price, reserved amount and its budget session date. Keys kept (client order
 *   ids and approvals are unique across markets).
 * - fills: symbol and price (the order's market, copied as the symbol is). Key (order_id, seq) kept.
 * - positions: symbol, average cost, realized P&L. Key (symbol, strategy) kept: a six-digit KR code
 *   never equals a US ticker, so the symbol already tells the markets apart.
 * - position_marks: one mark per session date, symbol and strategy. Key kept for the same reason.
 * - equity_marks: the book's equity, cash and benchmark close per session. The key must become
 *   (market, date) before KR marks a session both markets share; it is NOT changed here because
 *   today's writer upserts `ON CONFLICT (date)` (src/trading/execution/mark-to-market.ts), which
 *   Postgres refuses once the key is wider. It changes with the step that makes that writer name
 *   its market.
 * - daily_budget: the amount spent per session date. Same as equity_marks: the key must become
 *   (market, date), deferred because src/trading/execution/execute.ts upserts `ON CONFLICT (date)`.
 * - picks: symbol, session date, entry/stop/target prices and dollar risk. Unique (session_date,
 *   symbol, strategy) kept: the symbol fixes the market.
 * - backtest_runs: a backtest trades one market's universe; metrics and report hold money. The
 *   reuse key (request_hash, data_fingerprint) is kept: another market's bars give another fingerprint.
 * - backtest_trades: symbol, prices and P&L. Key (run_id, seq) kept.
 *
 * Market only (symbols or session days, no money):
 * - bar_symbols: one row per symbol, derived from bars_daily by `bars_refresh` (redefined here to
 *   copy the symbol's market), so a market's universe is read without scanning bars.
 * - scan_runs: a scan runs over one market's universe for one of its sessions (`as_of`).
 * - queued_orders: symbol and the market's session whose open sends it. `queued_orders_one_flatten`
 *   becomes (market, kill_epoch): the kill switch is global, but a queued /kill flatten is sent at
 *   each market's own open, so one epoch may queue one flatten per market. Its only writer inserts
 *   with a target-less ON CONFLICT DO NOTHING, which any unique index satisfies. `queued_orders_one_close`
 *   (symbol, strategy) kept: the symbol fixes the market.
 * - decisions: symbol and session date of a scan's signals. Unique (run_id, kind, symbol, source) kept.
 * - scheduled_runs: a slot fires on a market's session date. Key `slot_key` kept: it is the BullMQ
 *   job id the scheduler builds; KR slots must carry the market in their slot name or key so they
 *   never share a US slot's key.
 *
 * Columns that already existed gain the named CHECK only (no default: their writers name the market):
 * - hypothesis_generator_runs.market (key (market, session) already has it), data_checks.market.
 *
 * Left out, with why:
 * - hypotheses: has `market` (NOT NULL, CHECKed) since the Hypotheses migration.
 * - hypothesis_books, hypothesis_transitions: their market is their hypothesis's (foreign key). A
 *   copied column defaulting to US would mislabel the books that today's code writes for KR hypotheses.
 * - approvals, pick_cards: one row per pick (pick_id); the pick holds the market.
 * - kill_switch, cancel_owed, confirmations, broker_cancels: the kill switch and its cancel-all are
 *   global; a broker cancel is named by its broker, which serves one market.
 * - drift_alerts: `subject` already names the market (execution) or the strategy/hypothesis (R test).
 * - bar_packed: derived 1:1 from bar_symbols by symbol. bar_seeds: a dataset's name and versions.
 * - run_manifests: content-addressed inputs; the market is inside the parameters it hashes.
 * - audit_log, audit_anchor, alerts, heartbeats, user_settings, installation, config_pin_key,
 *   config_pins, config_pin_changes, preflight_runs, typeorm_migrations: no symbol, amount or session.
 *
 * down() refuses while any touched row is KR (dropping the column would file it as US silently, and
 * the narrower flatten index could not hold two markets' flattens); otherwise it restores the schema
 * exactly (the symbol CHECKs go with their `market` columns), `bars_refresh` included.
 */
export class Markets1765300000017 implements MigrationInterface {
  name = 'Markets1765300000017';

  async up(q: QueryRunner): Promise<void> {
    for (const t of MARKET_TABLES) {
      const parts = [`ADD COLUMN market text NOT NULL DEFAULT 'US'`, `ADD CONSTRAINT ${t.name}_market_check CHECK (${MARKET_CHECK})`];
      if (t.money) parts.push(`ADD COLUMN currency text NOT NULL DEFAULT 'USD'`, `ADD CONSTRAINT ${t.name}_currency_check CHECK (${CURRENCY_CHECK})`);
      await q.query(`ALTER TABLE ${t.name} ${parts.join(', ')}`);
    }
    for (const t of MARKET_TABLES) {
      if (!t.symbol) continue;
      // The US-only code let six-digit codes in (src/adapters/bars/symbols.ts named 069500): they are KRX codes, so KR.
      await q.query(`UPDATE ${t.name} SET market = 'KR'${t.money ? `, currency = 'KRW'` : ''} WHERE symbol ~ '${KRX_CODE}'`);
      await q.query(`ALTER TABLE ${t.name} ADD CONSTRAINT ${t.name}_symbol_market_check CHECK (${symbolMarketCheck(t.symbol)})`);
    }
    for (const name of MARKET_ALREADY) await q.query(`ALTER TABLE ${name} ADD CONSTRAINT ${name}_market_check CHECK (${MARKET_CHECK})`);
    await q.query(`DROP INDEX queued_orders_one_flatten`);
    await q.query(`CREATE UNIQUE INDEX queued_orders_one_flatten ON queued_orders (market, kill_epoch) WHERE kind = 'flatten' AND state = 'QUEUED'`);
    await q.query(barsRefreshSql(true));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of MARKET_TABLES) {
      const [kr] = (await q.query(`SELECT count(*)::int AS n FROM ${t.name} WHERE market <> 'US'`)) as { n: number }[];
      if (kr && kr.n > 0) {
        throw new Error(`Markets migration cannot be reverted: ${t.name} holds ${kr.n} non-US row(s), which the older schema would file as US. Delete them first, or keep this migration.`);
      }
    }
    await q.query(barsRefreshSql(false));
    await q.query(`DROP INDEX queued_orders_one_flatten`);
    await q.query(`CREATE UNIQUE INDEX queued_orders_one_flatten ON queued_orders (kill_epoch) WHERE kind = 'flatten' AND state = 'QUEUED'`);
    for (const name of [...MARKET_ALREADY].reverse()) await q.query(`ALTER TABLE ${name} DROP CONSTRAINT ${name}_market_check`);
    for (const t of [...MARKET_TABLES].reverse()) {
      const parts = t.money ? [`DROP CONSTRAINT ${t.name}_currency_check`, `DROP COLUMN currency`] : [];
      if (t.symbol) parts.push(`DROP CONSTRAINT ${t.name}_symbol_market_check`);
      parts.push(`DROP CONSTRAINT ${t.name}_market_check`, `DROP COLUMN market`);
      await q.query(`ALTER TABLE ${t.name} ${parts.join(', ')}`);
    }
  }
}

/**
 * A table that gains `market`, whether it holds money (then it gains `currency` too), and whether it
 * has a `symbol` column (then it gains `<table>_symbol_market_check`), NULL-able or not.
 */
interface MarketTable {
  readonly name: string;
  readonly money: boolean;
  readonly symbol?: 'required' | 'nullable';
}

/** The tables this migration gives a `market` column (see the header for why each). */
const MARKET_TABLES: readonly MarketTable[] = Object.freeze([
  { name: 'bars_daily', money: true, symbol: 'required' },
  { name: 'bar_symbols', money: false, symbol: 'required' },
  { name: 'paper_account', money: true },
  { name: 'paper_orders', money: true, symbol: 'required' },
  { name: 'paper_fills', money: true, symbol: 'required' },
  { name: 'paper_positions', money: true, symbol: 'required' },
  { name: 'backtest_runs', money: true },
  { name: 'backtest_trades', money: true, symbol: 'required' },
  { name: 'scan_runs', money: false },
  { name: 'picks', money: true, symbol: 'required' },
  { name: 'orders', money: true, symbol: 'required' },
  { name: 'fills', money: true, symbol: 'required' },
  { name: 'positions', money: true, symbol: 'required' },
  { name: 'position_marks', money: true, symbol: 'required' },
  { name: 'equity_marks', money: true },
  { name: 'daily_budget', money: true },
  { name: 'scheduled_runs', money: false },
  { name: 'queued_orders', money: false, symbol: 'nullable' },
  { name: 'decisions', money: false, symbol: 'required' },
]);

/** Tables whose `market` column predates this migration: they gain the named CHECK only. */
const MARKET_ALREADY: readonly string[] = Object.freeze(['hypothesis_generator_runs', 'data_checks']);

const MARKET_CHECK = `market IN ('US', 'KR')`;
/** A KRX short code, as parseSymbol (src/engine/market/symbols.ts) tells it: exactly six ASCII digits. */
const KRX_CODE = '^[0-9]{6}$';

/**
 * The symbol decides the market: KR exactly when the symbol is a KRX code. A NULL symbol (a queued
 * /kill flatten names none) is allowed only where the column is NULL-able, and there it is spelled
 * out rather than left to the CHECK's NULL-passes rule.
 */
function symbolMarketCheck(symbol: 'required' | 'nullable'): string {
  const rule = `(market = 'KR') = (symbol ~ '${KRX_CODE}')`;
  return symbol === 'nullable' ? `symbol IS NULL OR ${rule}` : rule;
}
// A CASE with no ELSE gives NULL for an unknown market, which a CHECK lets pass; the market CHECK refuses that row.
const CURRENCY_CHECK = `currency = CASE market WHEN 'US' THEN 'USD' WHEN 'KR' THEN 'KRW' END`;

/**
 * `bars_refresh` as the Bars migration made it (1763900000000-Bars.ts) when `withMarket` is false —
 * what down() restores — or, when true, also copying the symbol's market into `bar_symbols` (else a
 * KR symbol's row would take the column's US default). A symbol belongs to one market, so its bars
 * all carry one; `min` takes it in the same pass as the other aggregates.
 */
function barsRefreshSql(withMarket: boolean): string {
  const m = (sql: string): string => (withMarket ? sql : '');
  return `
      CREATE OR REPLACE FUNCTION bars_refresh(syms text[]) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF syms IS NULL OR cardinality(syms) = 0 THEN
          RETURN;
        END IF;
        PERFORM pg_advisory_xact_lock(hashtextextended('courtside.bars:' || s, 0))
          FROM (SELECT DISTINCT s FROM unnest(syms) AS u(s) ORDER BY s) AS l;
        DELETE FROM bar_packed p WHERE p.symbol = ANY (syms)
          AND NOT EXISTS (SELECT 1 FROM bars_daily b WHERE b.symbol = p.symbol);
        DELETE FROM bar_symbols s WHERE s.symbol = ANY (syms)
          AND NOT EXISTS (SELECT 1 FROM bars_daily b WHERE b.symbol = s.symbol);
        WITH agg AS (
          SELECT b.symbol,
                 string_agg(int4send(b.date - DATE '2000-01-01'), ''::bytea ORDER BY b.date)
              || string_agg(float8send(b.open), ''::bytea ORDER BY b.date)
              || string_agg(float8send(b.high), ''::bytea ORDER BY b.date)
              || string_agg(float8send(b.low), ''::bytea ORDER BY b.date)
              || string_agg(float8send(b.close), ''::bytea ORDER BY b.date)
              || string_agg(float8send(b.volume), ''::bytea ORDER BY b.date) AS data,
                 mode() WITHIN GROUP (ORDER BY b.source) AS source,${m(`
                 min(b.market) AS market,`)}
                 min(b.date) AS first_date, max(b.date) AS last_date, count(*)::int AS bar_count
          FROM bars_daily b
          WHERE b.symbol = ANY (syms)
          GROUP BY b.symbol
        ), packed AS (
          INSERT INTO bar_packed AS p (symbol, data)
          SELECT symbol, data FROM agg
          ON CONFLICT (symbol) DO UPDATE SET data = EXCLUDED.data
        )
        INSERT INTO bar_symbols AS s (symbol, ${m('market, ')}source, demo, first_date, last_date, bar_count, version, updated_at)
        SELECT symbol, ${m('market, ')}source, source = 'synthetic', first_date, last_date, bar_count, nextval('bar_version_seq'), clock_timestamp()
        FROM agg
        ON CONFLICT (symbol) DO UPDATE SET
          ${m('market = EXCLUDED.market, ')}first_date = EXCLUDED.first_date, last_date = EXCLUDED.last_date, bar_count = EXCLUDED.bar_count,
          version = EXCLUDED.version, updated_at = EXCLUDED.updated_at;
      END $$`;
}
