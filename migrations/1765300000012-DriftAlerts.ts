import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drift alerts (issue 21 part 3): one row per breach episode of a drift check — a strategy's or
 * LIVE hypothesis's sequential R test (`kind` 'test', `subject` the strategy id or `hyp:<id>`),
 * or a market's execution slippage (`kind` 'execution', `subject` the market). An episode opens
 * when the check first finds its subject out of band and closes when it is back in band; admins
 * are told once per episode (`notified_at` is claimed before the message goes, released if it
 * could not be published), so a daily re-run or a retried job never alerts twice. `figures` keeps
 * what the check saw when the episode opened (the message shows these).
 */
export class DriftAlerts1765300000012 implements MigrationInterface {
  name = 'DriftAlerts1765300000012';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE drift_alerts (
        id              bigserial PRIMARY KEY,
        kind            text NOT NULL CHECK (kind IN ('test', 'execution')),
        subject         text NOT NULL CHECK (length(subject) BETWEEN 1 AND 100),
        state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
        opened_session  date NOT NULL,
        opened_at       timestamptz NOT NULL DEFAULT now(),
        figures         jsonb NOT NULL,
        notified_at     timestamptz,
        closed_session  date,
        closed_at       timestamptz,
        CONSTRAINT drift_alerts_closed_complete CHECK ((state = 'closed') = (closed_at IS NOT NULL))
      )`);
    // At most one open episode per check and subject: the claim that makes a retried job a no-op.
    await q.query(`CREATE UNIQUE INDEX drift_alerts_open_key ON drift_alerts (kind, subject) WHERE state = 'open'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE drift_alerts`);
  }
}
