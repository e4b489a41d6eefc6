import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Living hypotheses (issue 14, DESIGN section 9).
 *
 * - `hypotheses`: one row per hypothesis; `hash` is the SHA-256 of the
 *   definition's canonical string (the identity: the generator never proposes
 *   the same one twice, RETIRED ones included), `id` a short prefix of it for
 *   chat. `version` moves with every state change, so a button or a job bound
 *   to an older state is refused.
 * - `hypothesis_transitions`: every state change with the figures that
 *   justified it and the market session it belongs to. `audit_seq` is
 *   filled once the row is on the audit chain; a
 *   sweep appends any row a crash left without one.
 * - `hypothesis_generator_runs`: one row per (market, session), so the
 *   generator runs once per session per market however often it is started.
 */
export class Hypotheses1765300000000 implements MigrationInterface {
  name = 'Hypotheses1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE hypotheses (
        id                  text PRIMARY KEY,
        hash                text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
        market              text NOT NULL CHECK (market IN ('US', 'KR')),
        family              text NOT NULL,
        definition          jsonb NOT NULL,
        canonical           text NOT NULL,
        state               text NOT NULL CHECK (state IN ('INCUBATING', 'PAPER', 'LIVE', 'RETIRED')),
        version             integer NOT NULL DEFAULT 1,
        proposed_session    date NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT now(),
        state_since         timestamptz NOT NULL DEFAULT now(),
        state_since_session date NOT NULL,
        evaluation          jsonb,
        evaluated_at        timestamptz,
        daily_sharpe        double precision,
        params              jsonb,
        retired_reason      text,
        last_asked_session  date,
        ask_again_after     integer
      )`);
    await q.query(`CREATE INDEX hypotheses_market_state ON hypotheses (market, state)`);
    await q.query(`
      CREATE TABLE hypothesis_transitions (
        id            bigserial PRIMARY KEY,
        hypothesis_id text NOT NULL REFERENCES hypotheses (id) ON DELETE CASCADE,
        from_state    text,
        to_state      text NOT NULL,
        event         text NOT NULL,
        actor         text NOT NULL,
        figures       jsonb NOT NULL DEFAULT '{}'::jsonb,
        session       date NOT NULL,
        at            timestamptz NOT NULL DEFAULT now(),
        audit_seq     bigint
      )`);
    await q.query(`CREATE INDEX hypothesis_transitions_by_hypothesis ON hypothesis_transitions (hypothesis_id, id)`);
    await q.query(`CREATE INDEX hypothesis_transitions_unaudited ON hypothesis_transitions (id) WHERE audit_seq IS NULL`);
    await q.query(`
      CREATE TABLE hypothesis_generator_runs (
        market   text NOT NULL,
        session  date NOT NULL,
        proposed integer NOT NULL,
        waiting  jsonb,
        at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (market, session)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hypothesis_generator_runs`);
    await q.query(`DROP TABLE hypothesis_transitions`);
    await q.query(`DROP TABLE hypotheses`);
  }
}
