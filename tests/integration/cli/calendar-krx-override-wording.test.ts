/**
 * KRX calendar overrides reach the KR schedule, the KR entry gate, the KRX open queue and the
 * KIS broker (issue 15), but not the KR paper book, which keeps the rule hours: the usage and the
 * confirmation of `calendar close|late-open --market krx` say exactly that. NYSE's confirmation
 * keeps its promise (the scheduler and the entry gate read NYSE overrides).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../../src/cli/command.js';
import { calendarCommand } from '../../../src/cli/commands/calendar.js';
import { createTestDatabase } from '../../helpers/pg.js';
import { setProcessEnv } from '../../helpers/process-env.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let restoreEnv = () => {};

beforeAll(async () => {
  db = await createTestDatabase();
  restoreEnv = setProcessEnv({ DATABASE_URL: db.url });
});
afterAll(async () => {
  restoreEnv();
  await db.drop();
});

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => (out += t), stderr: (t) => (err += t) };
  const code = await calendarCommand.run(args, io);
  return { code, out, err };
}

const KRX_NOTE = 'applied within a minute by the KR schedule, the KR entry gate, the KRX open queue and the KIS broker (the KR paper book keeps the rule hours)';
const NYSE_PROMISE = 'The scheduler and the entry gate apply it within a minute.';

describe('calendar overrides: what the text promises per market', () => {
  it('the usage says what KRX overrides reach and NYSE ones reach the scheduler and the gate', () => {
    const usage = calendarCommand.usage.replace(/\s+/g, ' ');
    expect(usage).toContain(`KRX overrides are ${KRX_NOTE}`);
    expect(usage).toMatch(/NYSE overrides: the scheduler and the entry gate honour them within a minute/);
  });

  it('a KRX close and late open are confirmed naming what applies them, and the paper book that does not', async () => {
    for (const args of [
      ['close', '--market', 'krx', '2026-12-10', '--reason', 'System outage'],
      ['late-open', '--market', 'krx', '2026-12-11', '--at', '10:00', '--reason', 'System upgrade'],
    ]) {
      const r = await run(...args);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toMatch(/^Recorded: XKRX 2026-12-1\d .* \(override #\d+, audited\)\. /);
      expect(r.out).toContain(`It is ${KRX_NOTE}.`);
      expect(r.out).not.toMatch(/scheduler and the entry gate apply/);
    }
  });

  it('an NYSE close keeps its wording', async () => {
    const r = await run('close', '--market', 'nyse', '2026-12-10', '--reason', 'Snow storm');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Recorded: XNYS 2026-12-10 a close \("Snow storm"\) \(override #\d+, audited\)\. The scheduler and the entry gate apply it within a minute\.\n$/);
    expect(r.out).toContain(NYSE_PROMISE);
  });
});
