import { describe, expect, it } from 'vitest';
import { picksCommand } from '../../../../src/bot/commands/scan.js';
import { picksRequestSchema } from '../../../../src/jobs/payloads/common.js';
import { digestSendSchema } from '../../../../src/jobs/payloads/digest.js';
import { markToMarketSchema } from '../../../../src/jobs/payloads/execution.js';
import { scanChunkSchema, scanFinishSchema, scanScheduledSchema } from '../../../../src/jobs/payloads/scan.js';

const IMPOSSIBLE = ['2026-02-30', '9999-99-99', '2026-13-01', '2026-04-31', '2026-02-29', '0000-01-01'];
const ctx = { updateId: 1, chatId: 1, userId: 1, role: 'admin' as const };

describe('/picks arguments', () => {
  const parse = (tokens: string[]) => picksCommand.args.safeParse({ tokens, text: tokens.join(' ') });

  it('takes a real date or none', () => {
    expect(parse(['2024-02-29'])).toEqual({ success: true, data: '2024-02-29' });
    expect(parse([])).toEqual({ success: true, data: undefined });
  });

  it('refuses an impossible date, naming it', () => {
    for (const date of IMPOSSIBLE) {
      const r = parse([date]);
      expect(r.success, date).toBe(false);
      expect(r.error!.issues.map((i) => i.message).join('; ')).toContain(`${date} is not a date`);
    }
  });
});

describe('job payloads refuse impossible dates (a forged or old job fails validation, unretried)', () => {
  const chunk = { runId: 'r', symbols: ['SPY'], strategies: ['donchian'], total: 1, chatId: 1, ackMessageId: 1 };
  const finish = { ...ctx, strategies: ['donchian'], ackMessageId: 1, runId: 'r', total: 1, demo: false };
  const cases: [string, { safeParse(v: unknown): { success: boolean } }, (date: string) => unknown][] = [
    ['command.picks', picksRequestSchema, (date) => ({ ...ctx, date })],
    ['digest.send', digestSendSchema, (date) => ({ kind: 'close', ...ctx, sessionDate: date })],
    ['execution.mark', markToMarketSchema, (date) => ({ date })],
    ['scan.chunk', scanChunkSchema, (asOf) => ({ ...chunk, asOf })],
    ['scan.finish', scanFinishSchema, (asOf) => ({ ...finish, asOf })],
    ['scan.scheduled', scanScheduledSchema, (sessionDate) => ({ slotKey: 'sched-scan-0935', sessionDate })],
  ];

  for (const [name, schema, payload] of cases) {
    it(name, () => {
      expect(schema.safeParse(payload('2024-02-29')).success).toBe(true);
      for (const date of IMPOSSIBLE) expect(schema.safeParse(payload(date)).success, date).toBe(false);
    });
  }
});
