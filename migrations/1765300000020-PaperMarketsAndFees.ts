import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A paper book per market, and the fee of every paper fill.
 *
 * - paper_account: the key `id = 1` (one US book) becomes `market`, so the KR paper book keeps its own
 *   cash in won beside the US one in dollars. The existing row is the US book (the Markets migration
 *   filed it US/USD). A KRW balance is whole won (`paper_account_whole_won`): every KR amount the
 *   broker books — prices on the KRX tick, whole-won commissions — is whole, so a fraction can only be
 *   a bug.
 * - paper_fills: `fee` (in the fill's currency; whole won for KRW) and `fee_note`, which says why the
 *   fee is NULL when it is: fees off for that book, a rate not on file for the trade date (the broker
 *   records the fill without a fee rather than refuse it), or a fill from before this migration
 *   (set here). A fill always has one or the other (`paper_fills_fee_known_or_said`).
 * - paper_orders, paper_positions keep their keys: client order ids are unique across markets and a
 *   symbol belongs to one market.
 *
 * down() refuses while a KR book exists (the older key holds one book) or while a fill records a
 * non-zero fee (the older schema has no place for it, and the cash it took would become unexplained);
 * otherwise it restores the schema exactly: paper_account is rebuilt so its columns keep their places.
 */
export class PaperMarketsAndFees1765300000020 implements MigrationInterface {
  name = 'PaperMarketsAndFees1765300000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE paper_account DROP CONSTRAINT paper_account_pkey, DROP CONSTRAINT paper_account_id_check`);
    await q.query(`ALTER TABLE paper_account DROP COLUMN id`);
    await q.query(`ALTER TABLE paper_account ADD CONSTRAINT paper_account_pkey PRIMARY KEY (market), ADD CONSTRAINT paper_account_whole_won CHECK (${wholeWon('cash')})`);
    await q.query(`ALTER TABLE paper_fills ADD COLUMN fee numeric(20, 6), ADD COLUMN fee_note text`);
    await q.query(`UPDATE paper_fills SET fee_note = 'filled before paper fees were recorded'`);
    await q.query(
      `ALTER TABLE paper_fills ADD CONSTRAINT paper_fills_fee_check CHECK (fee IS NULL OR (fee >= 0 AND ${wholeWon('fee')})),
         ADD CONSTRAINT paper_fills_fee_known_or_said CHECK (fee IS NOT NULL OR fee_note IS NOT NULL)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['paper_account', 'paper_orders', 'paper_fills', 'paper_positions']) {
      const [kr] = (await q.query(`SELECT count(*)::int AS n FROM ${t} WHERE market <> 'US'`)) as { n: number }[];
      if (kr && kr.n > 0) throw new Error(`PaperMarketsAndFees cannot be reverted: ${t} holds ${kr.n} KR row(s), and the older paper book has room for one (US) account. Delete the KR paper book first, or keep this migration.`);
    }
    const [fees] = (await q.query(`SELECT count(*)::int AS n FROM paper_fills WHERE fee > 0`)) as { n: number }[];
    if (fees && fees.n > 0) throw new Error(`PaperMarketsAndFees cannot be reverted: ${fees.n} paper fill(s) record a fee the older schema cannot hold, so the cash they took would become unexplained. Keep this migration.`);
    await q.query(`ALTER TABLE paper_fills DROP CONSTRAINT paper_fills_fee_known_or_said, DROP CONSTRAINT paper_fills_fee_check, DROP COLUMN fee_note, DROP COLUMN fee`);
    // Rebuilt rather than altered, so `id` is the first column again, as the PaperBroker migration made it.
    await q.query(`ALTER TABLE paper_account RENAME TO paper_account_by_market`);
    await q.query(
      `ALTER TABLE paper_account_by_market DROP CONSTRAINT paper_account_pkey, DROP CONSTRAINT paper_account_whole_won,
         DROP CONSTRAINT paper_account_market_check, DROP CONSTRAINT paper_account_currency_check`,
    );
    await q.query(`
      CREATE TABLE paper_account (
        id         smallint CONSTRAINT paper_account_id_check CHECK (id = 1),
        cash       numeric(20, 6) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        market     text NOT NULL DEFAULT 'US',
        currency   text NOT NULL DEFAULT 'USD',
        CONSTRAINT paper_account_pkey PRIMARY KEY (id),
        CONSTRAINT paper_account_market_check CHECK (market IN ('US', 'KR')),
        CONSTRAINT paper_account_currency_check CHECK (currency = CASE market WHEN 'US' THEN 'USD' WHEN 'KR' THEN 'KRW' END)
      )`);
    await q.query(`INSERT INTO paper_account (id, cash, created_at, updated_at, market, currency) SELECT 1, cash, created_at, updated_at, market, currency FROM paper_account_by_market`);
    await q.query(`DROP TABLE paper_account_by_market`);
  }
}

/** SQL: the amount in `column` is whole when the row is in won (KRW has no minor unit). */
function wholeWon(column: string): string {
  return `(currency <> 'KRW' OR ${column} = trunc(${column}))`;
}
