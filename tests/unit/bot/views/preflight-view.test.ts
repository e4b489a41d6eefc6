import { describe, expect, it } from 'vitest';
import { preflightMessages } from '../../../../src/bot/views/preflight-view.js';
import { preflightCommand } from '../../../../src/bot/commands/preflight.js';
import type { PreflightReport, PreflightResult, PreflightRunner } from '../../../../src/trading/preflight/types.js';

const result = (id: string, level: PreflightResult['level'], saw: string, fix: string | null = null): PreflightResult => ({ id, title: id, level, saw, fix, ms: 3 });

describe('preflight view (phone)', () => {
  it('verdict first, then ❌ and ⚠️ with their fixes, then ✅', () => {
    const report: PreflightReport = {
      at: '2026-12-07T14:00:00.000Z',
      level: 'fail',
      ms: 420,
      results: [result('Postgres reachable', 'pass', 'answered'), result('Redis persistence', 'warn', 'no AOF', 'turn on AOF'), result('Telegram token', 'fail', 'getMe refused the token: 401 Unauthorized', 'set the token')],
    };
    const [m, ...rest] = preflightMessages(report, 'us');
    expect(rest).toEqual([]);
    expect(m).toBe(
      [
        '🛫 Preflight (us): ❌ Not ready — 1 failed, 1 warning, 1 passed in 420 ms',
        'Fix each ❌ below, then send /preflight again.',
        '',
        '❌ Telegram token — getMe refused the token: 401 Unauthorized',
        '   👉 set the token',
        '',
        '⚠️ Redis persistence — no AOF',
        '   👉 turn on AOF',
        '',
        '✅ Postgres reachable — answered',
      ].join('\n'),
    );
  });

  it('a long report is split at check boundaries, each message short enough for a phone', () => {
    const results = Array.from({ length: 40 }, (_, i) => result(`Check ${i}`, 'fail', 'x'.repeat(150), `fix ${i} ${'y'.repeat(60)}`));
    const msgs = preflightMessages({ at: '2026-12-07T14:00:00.000Z', level: 'fail', ms: 1000, results });
    expect(msgs.length).toBeGreaterThan(1);
    for (const m of msgs) expect(m.length).toBeLessThanOrEqual(3_000);
    const all = msgs.join('\n\n');
    for (let i = 0; i < 40; i++) expect(all).toContain(`❌ Check ${i} — ${'x'.repeat(150)}\n   👉 fix ${i} `);
  });
});

describe('/preflight command', () => {
  const report: PreflightReport = { at: '2026-12-07T14:00:00.000Z', level: 'pass', ms: 100, results: [result('Kill switch', 'pass', 'off')] };
  const call = async (deps: object, market: string | null) => {
    const replies: string[] = [];
    await preflightCommand.run({ deps, args: { market }, userId: 7, reply: async (t: unknown) => void replies.push(String(t)) } as never);
    return replies;
  };
  it('runs the process’s preflight for the market asked', async () => {
    const asked: unknown[] = [];
    const runner: PreflightRunner = { markets: ['us'], run: async (o) => (asked.push(o), report) };
    expect(await call({ preflight: runner }, 'us')).toEqual(['🛫 Preflight (us): ✅ Ready — 0 failed, 0 warnings, 1 passed in 100 ms\n\n✅ Kill switch — off']);
    // The run is recorded as this admin's (it lifts or sets the live entry gate).
    expect(asked).toEqual([{ market: 'us', by: 'telegram:7' }]);
  });
  it('an unknown market names the ones that exist; no runner says where to run it', async () => {
    const runner: PreflightRunner = { markets: ['us'], run: async () => report };
    expect((await call({ preflight: runner }, 'kr'))[0]).toMatch(/Unknown market "kr"\. This build has: us/);
    expect((await call({}, null))[0]).toMatch(/courtside preflight/);
  });
});
