import { describe, expect, it } from 'vitest';
import type { CommandCall } from '../../../../src/bot/commands/define.js';
import { ordersCommand, pnlArgs, pnlCommand, positionsCommand } from '../../../../src/bot/commands/portfolio.js';
import type { BotDeps } from '../../../../src/bot/deps.js';
import { pnlRequestSchema } from '../../../../src/jobs/payloads/portfolio.js';
import { shortClientOrderId } from '../../../../src/trading/portfolio/orders.js';

const parse = (...tokens: string[]) => pnlArgs.safeParse({ tokens, text: tokens.join(' ') });

/** A call whose producer records what would be enqueued (the bot-side contract: name, payload, jobId). */
function call<A>(args: A): { call: CommandCall<A>; added: { name: string; payload: unknown; opts: unknown }[] } {
  const added: { name: string; payload: unknown; opts: unknown }[] = [];
  const jobs = { add: async (name: string, payload: unknown, opts: unknown) => (added.push({ name, payload, opts }), 'id') };
  return { call: { ctx: {} as CommandCall<A>['ctx'], args, userId: 7, role: 'viewer', chatId: 42, updateId: 1001, deps: { jobs } as unknown as BotDeps, reply: async () => undefined }, added };
}

describe('/positions /orders /pnl commands', () => {
  it('/pnl takes day|week|month in any case, defaulting to day', () => {
    expect(parse()).toMatchObject({ success: true, data: 'day' });
    expect(parse('WEEK')).toMatchObject({ success: true, data: 'week' });
    expect(parse('month')).toMatchObject({ success: true, data: 'month' });
  });

  it('/pnl refuses garbage with a clear message', () => {
    const bad = parse('yearly');
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.message)).toEqual(['period must be day, week or month, not "yearly"']);
    const two = parse('day', 'week');
    expect(two.success).toBe(false);
    expect(two.error!.issues[0]!.message).toBe('takes at most one argument: day, week or month');
    expect(parse('x'.repeat(200)).error!.issues[0]!.message).toBe(`period must be day, week or month, not "${'x'.repeat(20)}"`);
  });

  it('all three are viewer commands; /positions and /orders take no arguments', () => {
    for (const c of [positionsCommand, ordersCommand, pnlCommand]) expect(c.role).toBe('viewer');
    expect(positionsCommand.args.safeParse({ tokens: ['x'], text: 'x' }).success).toBe(false);
    expect(ordersCommand.args.safeParse({ tokens: [], text: '' }).success).toBe(true);
    expect(pnlCommand.usage).toBe('/pnl [day|week|month]');
  });

  it('each enqueues its job with jobId tg-<updateId>, and the /pnl payload satisfies the exported schema', async () => {
    for (const [cmd, name] of [
      [positionsCommand, 'command.positions'],
      [ordersCommand, 'command.orders'],
    ] as const) {
      const c = call({});
      await cmd.run(c.call);
      expect(c.added).toEqual([{ name, payload: { updateId: 1001, chatId: 42, userId: 7, role: 'viewer' }, opts: { jobId: 'tg-1001' } }]);
    }
    const p = call<'week'>('week');
    await pnlCommand.run(p.call);
    expect(p.added).toEqual([{ name: 'command.pnl', payload: { updateId: 1001, chatId: 42, userId: 7, role: 'viewer', period: 'week' }, opts: { jobId: 'tg-1001' } }]);
    expect(pnlRequestSchema.parse(p.added[0]!.payload)).toMatchObject({ period: 'week' });
  });

  it('the pnl job schema defaults the period to day and rejects unknown ones', () => {
    expect(pnlRequestSchema.parse({ updateId: 1, chatId: 2, userId: 3, role: 'viewer' }).period).toBe('day');
    expect(pnlRequestSchema.safeParse({ updateId: 1, chatId: 2, userId: 3, role: 'viewer', period: 'year' }).success).toBe(false);
  });
});

describe('shortClientOrderId', () => {
  it.each([
    ['cs-1a2b3c4d-0000-4000-8000-000000000001', 'cs-1a2b3c4d'],
    ['cs-abcdef12-cdef-4000-8000-000000000001', 'cs-abcdef12'],
    ['cx-stop-9f8e7d6c-0000-4000-8000-000000000001', 'cx-stop-9f8e7d6c'],
    ['manual-1', 'manual-1'],
    ['some-very-long-broker-id-xyz', 'some-very-lo…'],
  ])('%s → %s', (id, short) => {
    expect(shortClientOrderId(id)).toBe(short);
  });
});
