import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The paper broker's books: one cash account, orders (unique by client order
 * id: the idempotency key, enforced here so concurrent submits cannot place
 * two orders), fills, and long positions at average cost. Order, fill,
 * position and cash change together in one transaction.
 */
export class PaperBroker1764000000000 implements MigrationInterface {
  name = 'PaperBroker1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE paper_account (
        id         smallint PRIMARY KEY CHECK (id = 1),
        cash       numeric(20, 6) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE paper_orders (
        id              uuid PRIMARY KEY,
        client_order_id text NOT NULL,
        symbol          text NOT NULL,
        side            text NOT NULL CHECK (side IN ('buy', 'sell')),
        qty             integer NOT NULL CHECK (qty > 0),
        order_type      text NOT NULL CHECK (order_type IN ('limit', 'market')),
        limit_price     numeric(20, 6) CHECK (limit_price > 0),
        time_in_force   text NOT NULL CHECK (time_in_force IN ('ioc', 'day')),
        status          text NOT NULL CHECK (status IN ('new', 'submitted', 'partially_filled', 'filled', 'canceled', 'rejected', 'expired')),
        filled_qty      integer NOT NULL DEFAULT 0 CHECK (filled_qty >= 0 AND filled_qty <= qty),
        avg_fill_price  numeric(20, 6),
        reject_reason   text,
        submitted_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT paper_orders_client_order_id_key UNIQUE (client_order_id),
        CONSTRAINT paper_orders_client_order_id_len CHECK (length(client_order_id) BETWEEN 1 AND 48),
        CONSTRAINT paper_orders_limit_has_price CHECK (order_type <> 'limit' OR limit_price IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX paper_orders_open_idx ON paper_orders (symbol) WHERE status IN ('new', 'submitted', 'partially_filled')`);
    await q.query(`
      CREATE TABLE paper_fills (
        id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id  uuid NOT NULL REFERENCES paper_orders (id),
        symbol    text NOT NULL,
        side      text NOT NULL CHECK (side IN ('buy', 'sell')),
        qty       integer NOT NULL CHECK (qty > 0),
        price     numeric(20, 6) NOT NULL CHECK (price > 0),
        filled_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX paper_fills_order_idx ON paper_fills (order_id)`);
    // Long-only: a position row exists while qty > 0 and is deleted when closed.
    await q.query(`
      CREATE TABLE paper_positions (
        symbol     text PRIMARY KEY,
        qty        integer NOT NULL CHECK (qty > 0),
        avg_cost   numeric(24, 10) NOT NULL CHECK (avg_cost > 0),
        opened_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE paper_positions');
    await q.query('DROP TABLE paper_fills');
    await q.query('DROP TABLE paper_orders');
    await q.query('DROP TABLE paper_account');
  }
}
