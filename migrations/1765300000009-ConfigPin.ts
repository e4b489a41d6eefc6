import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pinned configuration (issue 20, item 2): the per-installation HMAC key
 * for secrets and the pins of past starts.
 *
 * - `config_pin_key`: one random 32-byte key, made here once. Secrets enter a
 *   pin only as HMAC-SHA256 under it, so a changed secret is detected without
 *   its value being stored or shown anywhere. Built from two gen_random_uuid()
 *   (strong randomness, no extension needed): 244 random bits.
 * - `config_pins`: every start of every role: its pin and per-setting digests
 *   (with what may be shown: no secret value), so the next start names what
 *   changed.
 * - `config_pin_changes`: one row per announced change (a pin, and the last
 *   start with another pin before it), claimed by whichever role starts first
 *   with it: one audit entry and one admin message however many roles restart.
 * - `heartbeats.config_pin`: the pin each live process runs with, so /status
 *   and preflight can tell roles running different configurations apart.
 */
export class ConfigPin1765300000009 implements MigrationInterface {
  name = 'ConfigPin1765300000009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE config_pin_key (
        id         smallint PRIMARY KEY CHECK (id = 1),
        key        bytea NOT NULL CHECK (length(key) = 32),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO config_pin_key (id, key) VALUES (1, decode(replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''), 'hex'))`);
    await q.query(`
      CREATE TABLE config_pins (
        id           bigserial PRIMARY KEY,
        at           timestamptz NOT NULL DEFAULT now(),
        installation text,
        role         text NOT NULL,
        instance     text NOT NULL,
        pin          text NOT NULL CHECK (pin ~ '^[0-9a-f]{64}$'),
        settings     jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX config_pins_role_idx ON config_pins (role, id DESC)`);
    await q.query(`
      CREATE TABLE config_pin_changes (
        pin        text NOT NULL,
        since_id   bigint NOT NULL,
        at         timestamptz NOT NULL DEFAULT now(),
        role       text NOT NULL,
        previous   text NOT NULL,
        changed    text[] NOT NULL,
        PRIMARY KEY (pin, since_id)
      )`);
    await q.query(`ALTER TABLE heartbeats ADD COLUMN config_pin text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE heartbeats DROP COLUMN config_pin`);
    await q.query(`DROP TABLE config_pin_changes`);
    await q.query(`DROP TABLE config_pins`);
    await q.query(`DROP TABLE config_pin_key`);
  }
}
