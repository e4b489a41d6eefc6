import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RowShapeError } from '../../../../../src/lib/sql-rows.js';
import { useScratchDb } from './scratch-db.js';

/**
 * The hypotheses group's repositories (src/adapters/db/tables/hypotheses)
 * against a migrated Postgres: each method, the types a row comes back as,
 * and a write through a transaction's tables rolled back with it.
 */
const scratch = useScratchDb(['hypothesis_books', 'hypothesis_transitions', 'hypothesis_generator_runs', 'hypotheses'], 4);

const definition = (market: 'US' | 'KR') => ({ family: 'momentum', market, centre: { lookback: 10 } });

/** Each test hypothesis's hash: the SHA-256 of its id. */
const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');

async function insertHypothesis(id: string, o: { market?: 'US' | 'KR'; state?: string; stateSince?: string; dailySharpe?: number | null; definition?: unknown } = {}): Promise<void> {
  const market = o.market ?? 'US';
  await scratch.uow.exec(
    `INSERT INTO hypotheses (id, hash, market, family, definition, canonical, state, proposed_session, state_since, state_since_session, daily_sharpe, params, evaluation)
     VALUES ($1, $2, $3, 'momentum', $4, $5, $6, '2026-12-01', $7, '2026-12-02', $8, $9, $10)`,
    [
      id,
      hashOf(id),
      market,
      JSON.stringify(o.definition ?? definition(market)),
      `canon:${id}`,
      o.state ?? 'INCUBATING',
      o.stateSince ?? '2026-12-02T21:00:00Z',
      o.dailySharpe ?? null,
      o.dailySharpe === undefined ? null : JSON.stringify({ lookback: 12 }),
      JSON.stringify({ profitFactor: 'Infinity' }),
    ],
  );
}

async function insertTransition(hypothesisId: string, toState: string): Promise<void> {
  await scratch.uow.exec(
    `INSERT INTO hypothesis_transitions (hypothesis_id, from_state, to_state, event, actor, figures, session) VALUES ($1, NULL, $2, 'proposed', 'generator', '{"n":1}', '2026-12-01')`,
    [hypothesisId, toState],
  );
}

async function insertBook(hypothesisId: string, session: string, version: number): Promise<void> {
  await scratch.uow.exec(
    `INSERT INTO hypothesis_books (hypothesis_id, session, state, version, book_from, book_from_source, sessions, start_equity, figures, review, equity, trades, closed_r, demo)
     VALUES ($1, $2, 'PAPER', $3, '2026-11-02', 'state_since', 20, 100000, '{"paper":{"trades":3},"live":null}', '{"verdict":"keep"}',
             '{"dates":["2026-11-02"],"values":[100000]}', '{"closed":1,"open":0,"lastClosed":[],"openTrades":[]}', '[1.5,-1]', false)`,
    [hypothesisId, session, version],
  );
}

describe('hypotheses tables', () => {
  it('reads a hypothesis by id in any case, with the driver types turned into the record types', async () => {
    await insertHypothesis('ha1', { dailySharpe: 0.25 });
    const h = await scratch.uow.tables.hypotheses.hypothesis('HA1');
    expect(h).toEqual({
      id: 'ha1',
      hash: hashOf('ha1'),
      market: 'US',
      family: 'momentum',
      definition: definition('US'),
      state: 'INCUBATING',
      version: 1,
      proposedSession: '2026-12-01',
      stateSince: new Date('2026-12-02T21:00:00Z'),
      stateSinceSession: '2026-12-02',
      evaluation: { profitFactor: 'Infinity' },
      dailySharpe: 0.25,
      params: { lookback: 12 },
      retiredReason: null,
      lastAskedSession: null,
      askAgainAfter: null,
    });
    expect(h!.stateSince).toBeInstanceOf(Date);
    expect(typeof h!.version).toBe('number');
    expect(await scratch.uow.tables.hypotheses.hypothesis('hzz')).toBeNull();
  });

  it('refuses a row whose jsonb is not what the writer stores (RowShapeError)', async () => {
    await insertHypothesis('hb1', { definition: [1, 2] });
    await expect(scratch.uow.tables.hypotheses.hypothesis('hb1')).rejects.toBeInstanceOf(RowShapeError);
  });

  it('lists newest state change first, then by id, filtered by market and state', async () => {
    await insertHypothesis('hc1', { stateSince: '2026-12-01T00:00:00Z' });
    await insertHypothesis('hc3', { stateSince: '2026-12-03T00:00:00Z', state: 'PAPER' });
    await insertHypothesis('hc2', { stateSince: '2026-12-03T00:00:00Z', market: 'KR' });
    const ids = async (f: Parameters<typeof scratch.uow.tables.hypotheses.hypotheses>[0]) => (await scratch.uow.tables.hypotheses.hypotheses(f)).map((h) => h.id);
    expect(await ids({})).toEqual(['hc2', 'hc3', 'hc1']);
    expect(await ids({ market: 'US' })).toEqual(['hc3', 'hc1']);
    expect(await ids({ state: 'PAPER' })).toEqual(['hc3']);
    expect(await ids({ market: 'KR', state: 'PAPER' })).toEqual([]);
  });

  it("gives a market's canonical strings and finished daily Sharpes by id, and the hash behind an exact id", async () => {
    await insertHypothesis('hd2', { dailySharpe: -0.5 });
    await insertHypothesis('hd1', { dailySharpe: 0.1 });
    await insertHypothesis('hd3');
    await insertHypothesis('hd4', { market: 'KR', dailySharpe: 9 });
    expect(await scratch.uow.tables.hypotheses.canonicalsOf('US')).toEqual([
      { family: 'momentum', canonical: 'canon:hd1' },
      { family: 'momentum', canonical: 'canon:hd2' },
      { family: 'momentum', canonical: 'canon:hd3' },
    ]);
    expect(await scratch.uow.tables.hypotheses.dailySharpesOf('US')).toEqual([0.1, -0.5]);
    expect(await scratch.uow.tables.hypotheses.hashOfId('hd2')).toBe(hashOf('hd2'));
    expect(await scratch.uow.tables.hypotheses.hashOfId('HD2')).toBeNull();
    expect(await scratch.uow.tables.hypotheses.hashOfId('hd9')).toBeNull();
  });

  it('reads transitions oldest first (ids and audit seqs as numbers) and records an audit seq', async () => {
    await insertHypothesis('he1');
    await insertTransition('he1', 'INCUBATING');
    await insertTransition('he1', 'PAPER');
    const before = await scratch.uow.tables.hypotheses.transitionsOf('HE1');
    expect(before.map((t) => t.toState)).toEqual(['INCUBATING', 'PAPER']);
    const [first] = before;
    expect(first).toMatchObject({ hypothesisId: 'he1', fromState: null, event: 'proposed', actor: 'generator', figures: { n: 1 }, session: '2026-12-01', auditSeq: null });
    expect(typeof first!.id).toBe('number');
    expect(first!.at).toBeInstanceOf(Date);
    expect(await scratch.uow.tables.hypotheses.setTransitionAuditSeq(first!.id, 42)).toBe(1);
    expect(await scratch.uow.tables.hypotheses.setTransitionAuditSeq(first!.id + 1000, 43)).toBe(0);
    const after = await scratch.uow.tables.hypotheses.transitionsOf('he1');
    expect(after.map((t) => t.auditSeq)).toEqual([42, null]);
  });

  it('claims a generator run once, records what it did and reads the latest session back', async () => {
    expect(await scratch.uow.tables.hypotheses.claimGeneratorRun('US', '2026-12-01')).toBe(true);
    expect(await scratch.uow.tables.hypotheses.claimGeneratorRun('US', '2026-12-01')).toBe(false);
    expect(await scratch.uow.tables.hypotheses.claimGeneratorRun('US', '2026-12-02')).toBe(true);
    expect(await scratch.uow.tables.hypotheses.lastGeneratorRun('US')).toMatchObject({ session: '2026-12-02', proposed: 0, waiting: null });
    expect(await scratch.uow.tables.hypotheses.finishGeneratorRun('US', '2026-12-02', 3, { family: ['momentum'] })).toBe(1);
    const last = await scratch.uow.tables.hypotheses.lastGeneratorRun('US');
    expect(last).toMatchObject({ session: '2026-12-02', proposed: 3, waiting: { family: ['momentum'] } });
    expect(last!.at).toBeInstanceOf(Date);
    expect(await scratch.uow.tables.hypotheses.finishGeneratorRun('US', '2026-12-02', 4, undefined)).toBe(1);
    expect(await scratch.uow.tables.hypotheses.lastGeneratorRun('US')).toMatchObject({ proposed: 4, waiting: null });
    expect(await scratch.uow.tables.hypotheses.finishGeneratorRun('KR', '2026-12-02', 1, null)).toBe(0);
    expect(await scratch.uow.tables.hypotheses.lastGeneratorRun('KR')).toBeNull();
  });

  it('rolls a claim made through tx.tables back with its transaction, and sees it inside the transaction', async () => {
    const boom = new Error('boom');
    await expect(
      scratch.uow.transaction(async (tx) => {
        expect(await tx.tables.hypotheses.claimGeneratorRun('KR', '2026-12-03')).toBe(true);
        expect(await tx.tables.hypotheses.lastGeneratorRun('KR')).toMatchObject({ session: '2026-12-03' });
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await scratch.uow.tables.hypotheses.lastGeneratorRun('KR')).toBeNull();
    expect(await scratch.uow.tables.hypotheses.claimGeneratorRun('KR', '2026-12-03')).toBe(true);
  });

  it('reads book snapshots by session, the latest and the history, in any case of the id', async () => {
    await insertHypothesis('hf1');
    await insertBook('hf1', '2026-12-02', 2);
    await insertBook('hf1', '2026-12-01', 1);
    const book = await scratch.uow.tables.hypotheses.book('HF1', '2026-12-01');
    expect(book).toEqual({
      hypothesisId: 'hf1',
      session: '2026-12-01',
      state: 'PAPER',
      version: 1,
      bookFrom: '2026-11-02',
      bookFromSource: 'state_since',
      sessions: 20,
      startEquity: 100000,
      figures: { paper: { trades: 3 }, live: null },
      review: { verdict: 'keep' },
      equity: { dates: ['2026-11-02'], values: [100000] },
      trades: { closed: 1, open: 0, lastClosed: [], openTrades: [] },
      closedR: [1.5, -1],
      demo: false,
    });
    expect(await scratch.uow.tables.hypotheses.book('hf1', '2026-12-03')).toBeNull();
    expect((await scratch.uow.tables.hypotheses.latestBook('hf1'))?.session).toBe('2026-12-02');
    expect(await scratch.uow.tables.hypotheses.latestBook('hf9')).toBeNull();
    expect((await scratch.uow.tables.hypotheses.bookHistory('Hf1')).map((b) => [b.session, b.version])).toEqual([
      ['2026-12-01', 1],
      ['2026-12-02', 2],
    ]);
  });
});
