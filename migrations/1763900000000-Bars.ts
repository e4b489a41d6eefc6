import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bars store.
 *
 * - `bars_daily`: daily OHLCV per symbol-date, the system of record.
 * - `bar_symbols`: one row per symbol with bars — source, DEMO flag, first and
 *   last date, bar count, and `version`/`updated_at`, which fingerprint the
 *   data for the in-process and on-disk caches.
 * - `bar_packed`: each symbol's whole history as one columnar binary value
 *   (dates as int4, then open, high, low, close, volume as float8, all
 *   big-endian as Postgres sends them), so a whole universe is read with one
 *   sequential scan instead of re-aggregating millions of rows.
 * - `bar_seeds`: what `seedDefaultData` last stored, so re-seeding an
 *   unchanged store is one query.
 *
 * `bar_symbols` and `bar_packed` are derived from `bars_daily` by statement
 * triggers in the same transaction, whoever writes the rows (the store, a
 * script, psql), so a fingerprint always describes the rows it claims to.
 */
export class Bars1763900000000 implements MigrationInterface {
  name = 'Bars1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE bar_version_seq AS bigint`);
    // Prices must be positive and finite: in Postgres NaN sorts above
    // Infinity, so "< 'Infinity'" rules out both.
    await q.query(`
      CREATE TABLE bars_daily (
        symbol text NOT NULL,
        date   date NOT NULL,
        open   float8 NOT NULL,
        high   float8 NOT NULL,
        low    float8 NOT NULL,
        close  float8 NOT NULL,
        volume float8 NOT NULL,
        source text NOT NULL,
        PRIMARY KEY (symbol, date),
        CONSTRAINT bars_daily_values_ok CHECK (
          open > 0 AND open < 'Infinity' AND high > 0 AND high < 'Infinity' AND
          low > 0 AND low < 'Infinity' AND close > 0 AND close < 'Infinity' AND
          volume >= 0 AND volume < 'Infinity')
      )`);
    await q.query(`
      CREATE TABLE bar_symbols (
        symbol     text PRIMARY KEY,
        source     text NOT NULL,
        demo       boolean NOT NULL,
        first_date date NOT NULL,
        last_date  date NOT NULL,
        bar_count  integer NOT NULL,
        version    bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX bar_symbols_source_idx ON bar_symbols (source)`);
    await q.query(`
      CREATE TABLE bar_packed (
        symbol text PRIMARY KEY,
        data   bytea NOT NULL
      )`);
    // Float data does not compress; skipping the attempt makes reads a plain copy.
    await q.query(`ALTER TABLE bar_packed ALTER COLUMN data SET STORAGE EXTERNAL`);
    await q.query(`
      CREATE TABLE bar_seeds (
        name            text PRIMARY KEY,
        seed_key        text NOT NULL,
        symbol_versions jsonb NOT NULL,
        seeded_at       timestamptz NOT NULL DEFAULT now()
      )`);

    // Recomputes the derived rows of the given symbols from bars_daily.
    // Serialised per symbol (the same advisory key the store takes), so two
    // transactions writing one symbol cannot leave a stale packed value.
    await q.query(`
      CREATE FUNCTION bars_refresh(syms text[]) RETURNS void LANGUAGE plpgsql AS $$
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
                 mode() WITHIN GROUP (ORDER BY b.source) AS source,
                 min(b.date) AS first_date, max(b.date) AS last_date, count(*)::int AS bar_count
          FROM bars_daily b
          WHERE b.symbol = ANY (syms)
          GROUP BY b.symbol
        ), packed AS (
          INSERT INTO bar_packed AS p (symbol, data)
          SELECT symbol, data FROM agg
          ON CONFLICT (symbol) DO UPDATE SET data = EXCLUDED.data
        )
        INSERT INTO bar_symbols AS s (symbol, source, demo, first_date, last_date, bar_count, version, updated_at)
        SELECT symbol, source, source = 'synthetic', first_date, last_date, bar_count, nextval('bar_version_seq'), clock_timestamp()
        FROM agg
        ON CONFLICT (symbol) DO UPDATE SET
          first_date = EXCLUDED.first_date, last_date = EXCLUDED.last_date, bar_count = EXCLUDED.bar_count,
          version = EXCLUDED.version, updated_at = EXCLUDED.updated_at;
      END $$`);
    await q.query(`
      CREATE FUNCTION bars_daily_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM bars_refresh((SELECT array_agg(DISTINCT symbol) FROM new_rows));
        ELSIF TG_OP = 'UPDATE' THEN
          PERFORM bars_refresh((SELECT array_agg(DISTINCT symbol) FROM (SELECT symbol FROM new_rows UNION SELECT symbol FROM old_rows) AS u));
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM bars_refresh((SELECT array_agg(DISTINCT symbol) FROM old_rows));
        ELSE -- TRUNCATE
          DELETE FROM bar_packed;
          DELETE FROM bar_symbols;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER bars_daily_inserted AFTER INSERT ON bars_daily
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bars_daily_changed()`);
    await q.query(`
      CREATE TRIGGER bars_daily_updated AFTER UPDATE ON bars_daily
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bars_daily_changed()`);
    await q.query(`
      CREATE TRIGGER bars_daily_deleted AFTER DELETE ON bars_daily
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bars_daily_changed()`);
    await q.query(`
      CREATE TRIGGER bars_daily_truncated AFTER TRUNCATE ON bars_daily
      FOR EACH STATEMENT EXECUTE FUNCTION bars_daily_changed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE bars_daily');
    await q.query('DROP FUNCTION bars_daily_changed');
    await q.query('DROP FUNCTION bars_refresh');
    await q.query('DROP TABLE bar_seeds');
    await q.query('DROP TABLE bar_packed');
    await q.query('DROP TABLE bar_symbols');
    await q.query('DROP SEQUENCE bar_version_seq');
  }
}
