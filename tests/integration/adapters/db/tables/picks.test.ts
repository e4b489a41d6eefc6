/**
 * The picks tables (issue 17, item 1): scan runs and picks read and written through their TypeORM
 * entities, against a migrated Postgres. Each repository method once; a write through a
 * transaction's tables is undone by its rollback; a pick read back has the driver's types made
 * plain (the session as YYYY-MM-DD, numbers, null, Date) and its jsonb checked.
 */
import { describe, expect, it } from 'vitest';
import { RowShapeError } from '../../../../../src/lib/sql-rows.js';
import { useScratchDb } from './scratch-db.js';

const RUN = { id: 'run-1', requestedBy: 7, chatId: -1001234567890, asOf: '2026-12-07', strategies: ['donchian', 'turtle_soup'], symbols: 12, demo: false };
const EXPIRES = new Date('2026-12-07T21:00:00Z');

describe('picks tables', () => {
  const scratch = useScratchDb(['pick_cards', 'picks', 'scan_runs'], 2);

  async function run(): Promise<Record<string, unknown> | undefined> {
    const rows: unknown = await scratch.ds.query(`SELECT requested_by, chat_id, to_char(as_of, 'YYYY-MM-DD') AS as_of, strategies, status, symbols, evaluated, signals, demo, summary, finished_at FROM scan_runs WHERE id = 'run-1'`);
    return (rows as Record<string, unknown>[])[0];
  }

  /** A pick as the scan stores it (the columns the entity does not default). */
  async function insertPick(p: { id: string; symbol: string; day: string; score: number; target?: number | null; reasons?: string; sources?: string }): Promise<void> {
    await scratch.ds.query(
      `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, expires_at, pick_sources)
       VALUES ($1, 'run-1', $2, $3, 'donchian', 10.5, 9.25, $4, 0.5, $5, 40, 50, $6, false, $7, $8)`,
      [p.id, p.day, p.symbol, p.target ?? null, p.score, p.reasons ?? '["breakout"]', EXPIRES, p.sources ?? '[]'],
    );
  }

  it('insertRun stores a running run once; a second start of the same id is ignored', async () => {
    await scratch.uow.tables.picks.insertRun(RUN);
    await scratch.uow.tables.picks.insertRun({ ...RUN, symbols: 99, strategies: ['other'] });
    expect(await run()).toEqual({
      requested_by: '7',
      chat_id: '-1001234567890',
      as_of: '2026-12-07',
      strategies: ['donchian', 'turtle_soup'],
      status: 'running',
      symbols: 12,
      evaluated: null,
      signals: null,
      demo: false,
      summary: null,
      finished_at: null,
    });
  });

  it('finishRun marks the run done with its counts, summary and finish time; an unknown id touches nothing', async () => {
    await scratch.uow.tables.picks.insertRun(RUN);
    const before = new Date();
    expect(await scratch.uow.tables.picks.finishRun('run-1', { evaluated: 12, signals: 3, summary: { skipped: 1, top: ['a'], held: [] } })).toBe(1);
    const done = await run();
    expect(done).toMatchObject({ status: 'done', evaluated: 12, signals: 3, summary: { skipped: 1, top: ['a'], held: [] } });
    expect((done?.finished_at as Date).getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(await scratch.uow.tables.picks.finishRun('nope', { evaluated: 0, signals: 0, summary: {} })).toBe(0);
  });

  it('a run inserted through a transaction’s tables is gone when the transaction rolls back, kept when it commits', async () => {
    await expect(
      scratch.uow.transaction(async (tx) => {
        await tx.tables.picks.insertRun(RUN);
        expect(((await tx.rows(`SELECT id FROM scan_runs`)) as unknown[]).length).toBe(1);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await run()).toBeUndefined();
    await scratch.uow.transaction((tx) => tx.tables.picks.insertRun(RUN));
    expect(await run()).toMatchObject({ status: 'running' });
  });

  it('pick reads one pick with plain types, or null', async () => {
    await scratch.uow.tables.picks.insertRun(RUN);
    await insertPick({ id: 'p-a', symbol: 'AAA', day: '2026-12-07', score: 2, sources: '[{"source":"kobe","strategy":"donchian"}]' });
    expect(await scratch.uow.tables.picks.pick('p-a')).toEqual({
      id: 'p-a',
      symbol: 'AAA',
      strategy: 'donchian',
      sessionDate: '2026-12-07',
      entry: 10.5,
      stop: 9.25,
      target: null,
      qty: 40,
      dollarRisk: 50,
      reasons: ['breakout'],
      demo: false,
      state: 'PENDING',
      expiresAt: EXPIRES,
      sources: [{ source: 'kobe', strategy: 'donchian' }],
    });
    const p = await scratch.uow.tables.picks.pick('p-a');
    expect(p?.expiresAt).toBeInstanceOf(Date);
    expect(typeof p?.entry).toBe('number');
    expect(await scratch.uow.tables.picks.pick('missing')).toBeNull();
  });

  it('a pick whose jsonb is not what the scan wrote stops with a RowShapeError naming the column', async () => {
    await scratch.uow.tables.picks.insertRun(RUN);
    await insertPick({ id: 'p-bad', symbol: 'BAD', day: '2026-12-07', score: 1, reasons: '[1]' });
    await expect(scratch.uow.tables.picks.pick('p-bad')).rejects.toThrow(RowShapeError);
    await expect(scratch.uow.tables.picks.pick('p-bad')).rejects.toThrow(/reasons\.0/);
    await scratch.ds.query(`UPDATE picks SET reasons = '[]', pick_sources = '[{"nosource":1}]' WHERE id = 'p-bad'`);
    await expect(scratch.uow.tables.picks.sessionPicks('2026-12-07')).rejects.toThrow(/pickSources\.0: expected a stored pick source/);
  });

  it('setCardMessage records the card’s chat and message; an unknown pick touches nothing', async () => {
    await scratch.uow.tables.picks.insertRun(RUN);
    await insertPick({ id: 'p-a', symbol: 'AAA', day: '2026-12-07', score: 2 });
    expect(await scratch.uow.tables.picks.setCardMessage('p-a', -1001234567890, 55)).toBe(1);
    const rows: unknown = await scratch.ds.query(`SELECT chat_id, message_id FROM picks WHERE id = 'p-a'`);
    expect(rows).toEqual([{ chat_id: '-1001234567890', message_id: 55 }]);
    expect(await scratch.uow.tables.picks.setCardMessage('missing', 1, 2)).toBe(0);
  });

  it('latestSession is null without picks, then the latest session that has one', async () => {
    expect(await scratch.uow.tables.picks.latestSession()).toBeNull();
    await scratch.uow.tables.picks.insertRun(RUN);
    await insertPick({ id: 'p-a', symbol: 'AAA', day: '2026-12-04', score: 2 });
    await insertPick({ id: 'p-b', symbol: 'BBB', day: '2026-12-07', score: 1 });
    await insertPick({ id: 'p-c', symbol: 'CCC', day: '2026-11-30', score: 3 });
    expect(await scratch.uow.tables.picks.latestSession()).toBe('2026-12-07');
  });

  it('sessionPicks lists one session, best score first, ties by symbol', async () => {
    await scratch.uow.tables.picks.insertRun(RUN);
    await insertPick({ id: 'p-c', symbol: 'CCC', day: '2026-12-07', score: 1 });
    await insertPick({ id: 'p-b', symbol: 'BBB', day: '2026-12-07', score: 2, target: 12 });
    await insertPick({ id: 'p-a', symbol: 'AAA', day: '2026-12-07', score: 1 });
    await insertPick({ id: 'p-x', symbol: 'XXX', day: '2026-12-04', score: 9 });
    const picks = await scratch.uow.tables.picks.sessionPicks('2026-12-07');
    expect(picks.map((p) => p.id)).toEqual(['p-b', 'p-a', 'p-c']);
    expect(picks[0]).toMatchObject({ sessionDate: '2026-12-07', target: 12, sources: [] });
    expect(await scratch.uow.tables.picks.sessionPicks('2026-12-05')).toEqual([]);
  });
});
