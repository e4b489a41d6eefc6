import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The approve → order flow: approvals (one per pick), orders (one per
 * approval, keyed by a deterministic client order id), fills, positions and
 * the shared daily budget. See src/execution/.
 */
export class Execution1764300000000 implements MigrationInterface {
  name = 'Execution1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE approvals (
        id           uuid PRIMARY KEY,
        pick_id      text NOT NULL UNIQUE REFERENCES picks(id),
        approved_by  bigint NOT NULL,
        approved_at  timestamptz NOT NULL,
        expires_at   timestamptz NOT NULL,
        state        text NOT NULL DEFAULT 'approved'
                     CHECK (state IN ('approved', 'executing', 'filled', 'partially_filled', 'not_filled', 'refused', 'failed')),
        refused_gate text,
        reason       text,
        numbers      jsonb,
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE orders (
        id                  uuid PRIMARY KEY,
        approval_id         uuid UNIQUE REFERENCES approvals(id),
        kind                text NOT NULL DEFAULT 'entry' CHECK (kind IN ('entry', 'exit')),
        exit_reason         text CHECK (exit_reason IN ('stop', 'time_stop', 'flatten')),
        decision_price      numeric,
        realized_pnl        numeric,
        client_order_id     text NOT NULL UNIQUE CHECK (length(client_order_id) BETWEEN 1 AND 48),
        broker              text NOT NULL,
        symbol              text NOT NULL,
        strategy            text NOT NULL,
        side                text NOT NULL CHECK (side IN ('buy', 'sell')),
        qty                 integer NOT NULL CHECK (qty > 0),
        limit_price         numeric NOT NULL CHECK (limit_price > 0),
        time_in_force       text NOT NULL,
        state               text NOT NULL DEFAULT 'new'
                            CHECK (state IN ('new', 'submitted', 'partially_filled', 'filled', 'canceled', 'rejected', 'expired')),
        broker_order_id     text,
        filled_qty          integer NOT NULL DEFAULT 0,
        avg_fill_price      numeric,
        reject_reason       text,
        budget_date         date NOT NULL,
        reserved_amount     numeric NOT NULL,
        submit_attempted_at timestamptz,
        booked_at           timestamptz,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT orders_entry_has_approval CHECK (kind <> 'entry' OR approval_id IS NOT NULL),
        CONSTRAINT orders_exit_has_reason CHECK (kind <> 'exit' OR exit_reason IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX orders_open_idx ON orders (state) WHERE booked_at IS NULL`);
    await q.query(`
      CREATE TABLE fills (
        id        bigserial PRIMARY KEY,
        order_id  uuid NOT NULL REFERENCES orders(id),
        symbol    text NOT NULL,
        side      text NOT NULL,
        qty       integer NOT NULL CHECK (qty > 0),
        price     numeric NOT NULL CHECK (price > 0),
        filled_at timestamptz NOT NULL,
        seq       integer NOT NULL,
        UNIQUE (order_id, seq)
      )`);
    await q.query(`
      CREATE TABLE positions (
        symbol         text NOT NULL,
        strategy       text NOT NULL,
        qty            integer NOT NULL CHECK (qty >= 0),
        avg_cost       numeric NOT NULL,
        opened_at      timestamptz NOT NULL,
        stop           numeric,
        time_stop_date date,
        realized_pnl   numeric NOT NULL DEFAULT 0,
        last_price     numeric,
        last_price_at  timestamptz,
        updated_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (symbol, strategy)
      )`);
    // Daily mark-to-market: one row per open position per session, and one equity row per session.
    await q.query(`
      CREATE TABLE position_marks (
        date           date NOT NULL,
        symbol         text NOT NULL,
        strategy       text NOT NULL,
        qty            integer NOT NULL,
        avg_cost       numeric NOT NULL,
        price          numeric NOT NULL,
        unrealized_pnl numeric NOT NULL,
        PRIMARY KEY (date, symbol, strategy)
      )`);
    await q.query(`
      CREATE TABLE equity_marks (
        date            date PRIMARY KEY,
        equity          numeric NOT NULL,
        cash            numeric NOT NULL,
        market_value    numeric NOT NULL,
        realized_pnl    numeric NOT NULL,
        unrealized_pnl  numeric NOT NULL,
        benchmark_close numeric,
        marked_at       timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE daily_budget (
        date  date PRIMARY KEY,
        spent numeric NOT NULL DEFAULT 0 CHECK (spent >= 0)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE daily_budget');
    await q.query('DROP TABLE equity_marks');
    await q.query('DROP TABLE position_marks');
    await q.query('DROP TABLE positions');
    await q.query('DROP TABLE fills');
    await q.query('DROP TABLE orders');
    await q.query('DROP TABLE approvals');
  }
}
