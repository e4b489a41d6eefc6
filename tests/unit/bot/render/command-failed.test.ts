import { describe, expect, it } from 'vitest';
import { statusRenderers } from '../../../../src/bot/render/status.js';
import type { RenderContext } from '../../../../src/bot/render/types.js';

const ctx = {} as RenderContext;
const textOf = async (n: Parameters<(typeof statusRenderers)['command.failed']>[0]) => {
  const r = await statusRenderers['command.failed'](n, ctx);
  const op = r.ops[0]!;
  return op.kind === 'text' ? op.text : '';
};

describe('a failed command job in chat', () => {
  it('after retries: says nothing changed and to try again', async () => {
    const t = await textOf({ kind: 'command.failed', command: 'command.pnl', attempts: 3, error: 'broker timeout' });
    expect(t).toBe('❌ /pnl failed after 3 attempt(s): broker timeout\nNothing was changed. Try again in a minute, or check /status.');
  });

  it('an invalid request: no "try again", the command usage instead', async () => {
    const t = await textOf({ kind: 'command.failed', command: 'command.picks', attempts: 1, error: 'date: 2026-02-30 is not a date', invalid: true });
    expect(t).toContain('/picks was not run: date: 2026-02-30 is not a date');
    expect(t).toContain('Usage: /picks [YYYY-MM-DD]');
    expect(t).not.toMatch(/try again/i);
  });

  it('maps job names to their command, or points to /help', async () => {
    expect(await textOf({ kind: 'command.failed', command: 'digest.send', attempts: 1, error: 'x', invalid: true })).toContain('Usage: /digest [');
    const t = await textOf({ kind: 'command.failed', command: 'execution.cancel_all', attempts: 1, error: 'x', invalid: true });
    expect(t).toContain('execution.cancel_all was not run');
    expect(t).toContain('Send /help');
  });
});
