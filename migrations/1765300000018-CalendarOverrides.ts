import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Run-time calendar overrides (`courtside calendar close|late-open`): a day an
 * exchange's rules call a session but the exchange closes, or opens late. The
 * scheduler and the entry gate read them (src/trading/calendar), so a closure
 * announced today needs no release.
 *
 * - exchange: ISO 10383 code of the calendar (`XNYS`, `XKRX`).
 * - date: the exchange-local session date; one override per exchange and date.
 * - kind: `close` (no session) or `late_open` (open at `open_time`, exchange-local).
 * - open_time: only and always for `late_open`.
 * - reason: why, never empty; created_by: who (`cli`); created_at: when.
 * Each insert is also appended to the audit chain by its writer.
 */
export class CalendarOverrides1765300000018 implements MigrationInterface {
  name = 'CalendarOverrides1765300000018';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendar_overrides (
        id         bigserial PRIMARY KEY,
        exchange   text NOT NULL CONSTRAINT calendar_overrides_exchange_check CHECK (exchange IN ('XNYS', 'XKRX')),
        date       date NOT NULL,
        kind       text NOT NULL CONSTRAINT calendar_overrides_kind_check CHECK (kind IN ('close', 'late_open')),
        open_time  time,
        reason     text NOT NULL CONSTRAINT calendar_overrides_reason_check CHECK (btrim(reason) <> ''),
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT calendar_overrides_open_time_check CHECK ((kind = 'late_open') = (open_time IS NOT NULL)),
        CONSTRAINT calendar_overrides_exchange_date_key UNIQUE (exchange, date)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE calendar_overrides`);
  }
}
