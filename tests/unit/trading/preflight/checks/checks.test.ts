import { describe, expect, it } from 'vitest';
import { runPreflight } from '../../../../../src/trading/preflight/run.js';
import { PreflightBlocked, type PreflightCheck } from '../../../../../src/trading/preflight/types.js';
import { configFileCheck } from '../../../../../src/trading/preflight/checks/config-file.js';
import { postgresChecks, POSTGRES_DOWN_FIX } from '../../../../../src/trading/preflight/checks/postgres.js';
import { redisChecks } from '../../../../../src/trading/preflight/checks/redis.js';
import { telegramChecks, type TelegramCheckDeps } from '../../../../../src/trading/preflight/checks/telegram.js';
import { calendarCheck } from '../../../../../src/trading/preflight/checks/calendar.js';
import { killSwitchCheck } from '../../../../../src/trading/preflight/checks/kill-switch.js';
import { clockSkewCheck } from '../../../../../src/trading/preflight/checks/clock-skew.js';
import { dataSourcesCheck } from '../../../../../src/trading/preflight/checks/data-sources.js';
import type { DatasetRow, PostgresProbe, TelegramProbe } from '../../../../../src/trading/preflight/checks/ports.js';
import type { KillSwitchState } from '../../../../../src/trading/kill-switch/verdict.js';
import { nyLocalParts, sessionsBetween, sessionsOf } from '../../../../../src/engine/calendar/index.js';
import { lastCompletedSession } from '../../../../../src/trading/market-clock.js';
import type { Role } from '../../../../../src/lib/roles.js';

const one = async (checks: PreflightCheck | PreflightCheck[]) => (await runPreflight(Array.isArray(checks) ? checks : [checks])).results;

describe('configuration check', () => {
  const file = { path: '/srv/cs/.env', chosenBy: 'default' as const, found: true, applied: 4, overridden: ['LOG_LEVEL'] };
  it('names the file read and passes a valid configuration', async () => {
    const [r] = await one(configFileCheck({ file, problems: [], summary: 'Telegram polling · broker paper' }));
    expect(r).toMatchObject({ level: 'pass', fix: null });
    expect(r!.saw).toMatch(/read \/srv\/cs\/\.env: 4 settings from it, 1 overridden by the environment \(LOG_LEVEL\); valid/);
  });
  it('a missing ./.env is not a fault', async () => {
    const [r] = await one(configFileCheck({ file: { ...file, found: false, applied: 0, overridden: [] }, problems: [] }));
    expect(r!.level).toBe('pass');
    expect(r!.saw).toMatch(/no settings file at \/srv\/cs\/\.env/);
  });
  it('validation problems are a ✗ naming each setting and where to fix it', async () => {
    const [r] = await one(configFileCheck({ file, problems: ['HTTP_PORT (set in /srv/cs/.env, line 3) Invalid input', 'REDIS_URL must be redis://'] }));
    expect(r!.level).toBe('fail');
    expect(r!.saw).toMatch(/2 problems: HTTP_PORT .*line 3.*; REDIS_URL/);
    expect(r!.fix).toMatch(/^Fix HTTP_PORT, REDIS_URL in \/srv\/cs\/\.env/);
  });
});

describe('Postgres checks', () => {
  const pg = (over: Partial<PostgresProbe> = {}): PostgresProbe => ({
    where: '127.0.0.1:5432/cs',
    ping: async () => 'PostgreSQL 16.4',
    pendingMigrations: async () => [],
    serverNow: async () => new Date(),
    ...over,
  });
  it('reachable and current', async () => {
    const r = await one(postgresChecks(pg()));
    expect(r.map((x) => x.level)).toEqual(['pass', 'pass']);
    expect(r[0]!.saw).toBe('127.0.0.1:5432/cs answered (PostgreSQL 16.4)');
  });
  it('a pending migration is a ✗ naming it, fix `courtside migrate`', async () => {
    const r = await one(postgresChecks(pg({ pendingMigrations: async () => ['PreflightRuns1765300000010'] })));
    expect(r[1]).toMatchObject({ id: 'postgres.migrations', level: 'fail', saw: '1 pending migration: PreflightRuns1765300000010' });
    expect(r[1]!.fix).toMatch(/courtside migrate/);
  });
  it('down: the reachability check says where; a dependent check points at it', async () => {
    const down = new PreflightBlocked('not checked: Postgres at 127.0.0.1:5432/cs is not reachable (ECONNREFUSED)', POSTGRES_DOWN_FIX);
    const r = await one(postgresChecks(pg({ ping: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')), pendingMigrations: () => Promise.reject(down) })));
    expect(r[0]).toMatchObject({ level: 'fail', saw: 'error: connect ECONNREFUSED 127.0.0.1:5432' });
    expect(r[0]!.fix).toMatch(/Start Postgres at 127\.0\.0\.1:5432\/cs or correct DATABASE_URL/);
    expect(r[1]).toMatchObject({ level: 'fail', fix: POSTGRES_DOWN_FIX });
    expect(r[1]!.saw).toMatch(/^not checked: Postgres/);
  });
});

describe('Redis checks', () => {
  const probe = (appendonly: string, save: string) => ({ where: '127.0.0.1:6379', ping: async () => undefined, persistence: async () => ({ appendonly, save }) });
  it('AOF or RDB passes', async () => {
    expect((await one(redisChecks(probe('yes', ''), { liveBroker: 'alpaca-live' })))[1]).toMatchObject({ level: 'pass', saw: 'AOF on (appendonly yes)' });
    expect((await one(redisChecks(probe('no', '3600 1'), { liveBroker: 'alpaca-live' })))[1]!.saw).toBe('RDB snapshots (save 3600 1)');
  });
  it('no persistence under a live broker: ⚠ saying what a restart loses', async () => {
    const r = (await one(redisChecks(probe('no', ''), { liveBroker: 'alpaca-live' })))[1]!;
    expect(r.level).toBe('warn');
    expect(r.saw).toMatch(/a restart loses queued jobs .*rate budget/);
    expect(r.saw).toMatch(/live broker \(alpaca-live\)/);
    expect(r.fix).toMatch(/appendonly yes/);
  });
  it('no persistence without a live broker: a pass that still says so', async () => {
    const r = (await one(redisChecks(probe('no', ''), { liveBroker: null })))[1]!;
    expect(r.level).toBe('pass');
    expect(r.saw).toMatch(/no persistence.*acceptable without a live broker/);
  });
  it('down: both ✗ with the address in the fix', async () => {
    const r = await one(redisChecks({ where: '127.0.0.1:1', ping: () => Promise.reject(new Error('ECONNREFUSED')), persistence: () => Promise.reject(new Error('ECONNREFUSED')) }, { liveBroker: null }));
    expect(r[0]).toMatchObject({ level: 'fail' });
    expect(r[0]!.fix).toMatch(/Start Redis at 127\.0\.0\.1:1/);
    // CONFIG refused by the server (answered) is a ⚠; a down server is caught by the reachability line.
    expect(r[1]!.level).toBe('warn');
  });
});

describe('Telegram checks', () => {
  const admin = new Map<number, Role>([[42, 'admin']]);
  const probe = (over: Partial<TelegramProbe> = {}): TelegramProbe => ({
    getMe: async () => ({ ok: true, result: { id: 7, username: 'cs_bot' } }),
    getWebhookInfo: async () => ({ ok: true, result: { url: '', pending_update_count: 0 } }),
    ...over,
  });
  const deps = (over: Partial<TelegramCheckDeps> = {}): TelegramCheckDeps => ({ local: false, apiRoot: 'https://api.telegram.org', allowed: admin, webhookUrl: null, probe: probe(), ...over });
  it('token accepted, allow-list with an admin, polling with no webhook set', async () => {
    const r = await one(telegramChecks(deps()));
    expect(r.map((x) => x.level)).toEqual(['pass', 'pass', 'pass']);
    expect(r[0]!.saw).toBe('getMe: @cs_bot (id 7)');
    expect(r[2]!.title).toBe('Polling');
  });
  it('a refused token is a ✗ with the BotFather fix', async () => {
    const r = await one(telegramChecks(deps({ probe: probe({ getMe: async () => ({ ok: false, status: 401, description: 'Unauthorized' }) }) })));
    expect(r[0]).toMatchObject({ level: 'fail', saw: 'getMe refused the token: 401 Unauthorized' });
    expect(r[0]!.fix).toMatch(/BotFather/);
  });
  it('an empty allow-list is a ✗ in token mode; no admin is a ⚠', async () => {
    expect((await one(telegramChecks(deps({ allowed: new Map() }))))[1]!.level).toBe('fail');
    expect((await one(telegramChecks(deps({ allowed: new Map([[1, 'trader' as Role]]) }))))[1]!.level).toBe('warn');
  });
  it('local mode passes without asking the Bot API', async () => {
    const boom = probe({ getMe: () => Promise.reject(new Error('must not be called')), getWebhookInfo: () => Promise.reject(new Error('must not be called')) });
    const r = await one(telegramChecks(deps({ local: true, allowed: new Map(), probe: boom })));
    expect(r.map((x) => x.level)).toEqual(['pass', 'pass', 'pass']);
    expect(r[0]!.saw).toMatch(/local mode/);
  });
  it('webhook configured but another URL set at Telegram: ✗; a webhook set while polling: ✗', async () => {
    const other = probe({ getWebhookInfo: async () => ({ ok: true, result: { url: 'https://old.example/hook' } }) });
    const a = (await one(telegramChecks(deps({ webhookUrl: 'https://new.example/hook', probe: other }))))[2]!;
    expect(a).toMatchObject({ level: 'fail', title: 'Webhook' });
    expect(a.saw).toMatch(/delivers to https:\/\/old\.example\/hook, not the configured https:\/\/new\.example\/hook/);
    const b = (await one(telegramChecks(deps({ probe: other }))))[2]!;
    expect(b.level).toBe('fail');
    expect(b.saw).toMatch(/while this installation polls/);
  });
  it('a Bot API that never answers is a ✗ with the time waited', async () => {
    const hung = probe({ getMe: () => new Promise(() => undefined) });
    const [c] = telegramChecks(deps({ probe: hung }));
    const [r] = await one({ ...c!, timeoutMs: 50 });
    expect(r).toMatchObject({ level: 'fail', saw: 'no answer within 50 ms' });
    expect(r!.fix).toMatch(/did not answer/);
  });
});

describe('calendar check', () => {
  const check = (iso: string, of = sessionsOf) => calendarCheck({ market: 'us', exchange: 'NYSE', now: () => Date.parse(iso), today: (ms) => nyLocalParts(ms).date, sessionsOf: of, source: 'src/engine/calendar' });
  it('covers today and the next 365 days', async () => {
    const [r] = await one(check('2026-12-07T15:00:00Z'));
    expect(r).toMatchObject({ level: 'pass', saw: 'covers today 2026-12-07 through 2027-12-07 (NYSE)' });
  });
  it('near the end of the calendar: ✗ naming the missing year', async () => {
    const [r] = await one(check('2050-06-01T15:00:00Z'));
    expect(r!.level).toBe('fail');
    expect(r!.saw).toMatch(/need 2051-06-01, but the NYSE calendar covers through 2050-12-31 \(2051 missing\)/);
    expect(r!.fix).toMatch(/holidays and early closes for 2051/);
  });
  it('a year that comes back empty counts as missing', async () => {
    const [r] = await one(check('2026-12-07T15:00:00Z', (y) => (y === 2027 ? [] : sessionsOf(y))));
    expect(r!.level).toBe('fail');
    expect(r!.saw).toMatch(/2027 missing/);
  });
});

describe('kill switch check', () => {
  const base: KillSwitchState = { engaged: false, epoch: 3, reason: null, changedBy: null, changedAt: null, postgres: false, redis: false };
  it('off passes; on is a ⚠ saying who and why with /resume', async () => {
    expect((await one(killSwitchCheck({ state: async () => base })))[0]!.level).toBe('pass');
    const [r] = await one(killSwitchCheck({ state: async () => ({ ...base, engaged: true, reason: 'vol spike', changedBy: '42', changedAt: new Date('2026-12-07T14:05:00Z'), postgres: true, redis: true }) }));
    expect(r).toMatchObject({ level: 'warn', saw: 'ON since 2026-12-07 14:05 UTC by 42: vol spike — no new entries' });
    expect(r!.fix).toMatch(/\/resume/);
  });
  it('unreadable is a ✗ (fails closed)', async () => {
    const [r] = await one(killSwitchCheck({ state: async () => ({ ...base, engaged: true, reason: 'state unreadable: failing closed', redis: 'unreachable' }) }));
    expect(r!.level).toBe('fail');
    expect(r!.saw).toMatch(/Redis could not be read/);
  });
});

describe('clock skew check', () => {
  const check = (offsetMs: number) => clockSkewCheck({ id: 'clock.postgres', other: 'Postgres', now: () => 1_000_000, read: async () => new Date(1_000_000 + offsetMs), fix: 'sync the clocks' });
  it('within 2 s passes; 5 s is a ✗ saying which way', async () => {
    expect((await one(check(800)))[0]!.level).toBe('pass');
    const [r] = await one(check(-5_000));
    expect(r).toMatchObject({ level: 'fail', fix: 'sync the clocks' });
    expect(r!.saw).toMatch(/^this machine is 5\.0 s ahead of Postgres/);
  });
});

describe('data sources check', () => {
  const now = Date.parse('2026-12-07T15:00:00Z'); // Monday, during the session: the last completed one is Friday 12-04
  const check = (rows: DatasetRow[]) =>
    dataSourcesCheck({ market: 'us', bars: { datasets: async () => rows }, now: () => now, lastCompletedSession, sessionsAfter: (a, b) => sessionsBetween(a, b).filter((d) => d > a).length });
  it('one result per source, fresh passes with the universe size', async () => {
    const r = await one(check([{ source: 'synthetic', demo: true, symbols: 900, lastDate: '2026-12-04' }]));
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ id: 'data.us.synthetic', title: 'Data: synthetic (DEMO)', level: 'pass', saw: '900 symbols, last bar 2026-12-04 (the last completed session)' });
  });
  it('a source a session behind is a ✗ with the dates', async () => {
    const r = await one(check([
      { source: 'csv:mine.csv', demo: false, symbols: 12, lastDate: '2026-12-03' },
      { source: 'synthetic', demo: true, symbols: 900, lastDate: '2026-12-04' },
    ]));
    expect(r[0]).toMatchObject({ id: 'data.us.csv_mine_csv', level: 'fail' });
    expect(r[0]!.saw).toBe('stale: 12 symbols, last bar 2026-12-03; the last completed session is 2026-12-04 (1 session behind)');
    expect(r[0]!.fix).toMatch(/courtside data import/);
    expect(r[1]!.level).toBe('pass');
  });
  it('the bundled sample files are shown old, not failed; no bars at all is a ✗', async () => {
    expect((await one(check([{ source: 'sample', demo: false, symbols: 3, lastDate: '2025-12-30' }])))[0]!.level).toBe('warn');
    const [r] = await one(check([]));
    expect(r).toMatchObject({ id: 'data.us', level: 'fail', saw: 'no bars stored: a scan would find nothing' });
  });
});
