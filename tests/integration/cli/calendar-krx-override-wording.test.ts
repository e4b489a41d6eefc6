/**
 * KRX calendar overrides are stored, audited and shown in the KRX calendar, but nothing trades
 * on KRX yet: the usage and the confirmation of `calendar close|late-open --market krx` must say
 * so rather than promise that the scheduler and the entry gate honour them. NYSE's confirmation
 * keeps its promise (they do read NYSE overrides).
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

const KRX_NOTE = 'stored and shown in the KRX calendar; nothing trades on KRX yet, so no job or order is affected';
const NYSE_PROMISE = 'The scheduler and the entry gate apply it within a minute.';

describe('calendar overrides: what the text promises per market', () => {
  it('the usage says KRX overrides affect nothing yet and NYSE ones reach the scheduler and the gate', () => {
    const usage = calendarCommand.usage.replace(/\s+/g, ' ');
    expect(usage).toContain(`KRX overrides are ${KRX_NOTE}`);
    expect(usage).toMatch(/NYSE overrides: the scheduler and the entry gate honour them within a minute/);
  });

  it('a KRX close and late open are confirmed without promising the scheduler or the gate', async () => {
    for (const args of [
      ['close', '--market', 'krx', '2026-12-10', '--reason', 'System outage'],
      ['late-open', '--market', 'krx', '2026-12-11', '--at', '10:00', '--reason', 'System upgrade'],
    ]) {
      const r = await run(...args);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toMatch(/^Recorded: XKRX 2026-12-1\d .* \(override #\d+, audited\)\. /);
      expect(r.out).toContain(`It is ${KRX_NOTE}.`);
      expect(r.out).not.toMatch(/scheduler|entry gate/);
    }
  });

  it('an NYSE close keeps its wording', async () => {
    const r = await run('close', '--market', 'nyse', '2026-12-10', '--reason', 'Snow storm');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Recorded: XNYS 2026-12-10 a close \("Snow storm"\) \(override #\d+, audited\)\. The scheduler and the entry gate apply it within a minute\.\n$/);
    expect(r.out).toContain(NYSE_PROMISE);
  });
});
