import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Scan runs and the picks they produce (the cards a trader approves or rejects). */
export class Picks1764200000000 implements MigrationInterface {
  name = 'Picks1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scan_runs (
        id           text PRIMARY KEY,
        requested_by bigint,
        chat_id      bigint,
        as_of        date NOT NULL,
        strategies   text[] NOT NULL,
        status       text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
        symbols      integer NOT NULL,
        evaluated    integer,
        signals      integer,
        demo         boolean NOT NULL,
        summary      jsonb,
        created_at   timestamptz NOT NULL DEFAULT now(),
        finished_at  timestamptz
      )`);
    await q.query(`
      CREATE TABLE picks (
        id           text PRIMARY KEY,
        scan_run_id  text NOT NULL REFERENCES scan_runs(id),
        session_date date NOT NULL,
        symbol       text NOT NULL,
        strategy     text NOT NULL,
        entry        float8 NOT NULL,
        stop         float8 NOT NULL,
        target       float8,
        atr          float8 NOT NULL,
        score        float8 NOT NULL,
        qty          integer NOT NULL,
        dollar_risk  float8 NOT NULL,
        reasons      jsonb NOT NULL,
        demo         boolean NOT NULL,
        state        text NOT NULL DEFAULT 'PENDING'
                     CHECK (state IN ('PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'EXECUTING', 'EXECUTED', 'FAILED')),
        chat_id      bigint,
        message_id   integer,
        created_at   timestamptz NOT NULL DEFAULT now(),
        expires_at   timestamptz NOT NULL,
        decided_by   bigint,
        decided_at   timestamptz,
        UNIQUE (session_date, symbol, strategy)
      )`);
    await q.query(`CREATE INDEX picks_session_idx ON picks (session_date DESC, score DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE picks');
    await q.query('DROP TABLE scan_runs');
  }
}
