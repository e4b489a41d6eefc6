/**
 * While the bot handles an update a person is waiting: the process's
 * foreground gate is held (incubation threads pause) and released after,
 * whether the handler succeeded or threw.
 */
import type { Context } from 'telegraf';
import { describe, expect, it } from 'vitest';
import { ForegroundGate } from '../../../src/adapters/compute/foreground-gate.js';
import type { BotDeps } from '../../../src/bot/deps.js';
import { holdForeground } from '../../../src/bot/middleware.js';

const ctx = { update: { update_id: 1 } } as unknown as Context;

describe('holdForeground', () => {
  it('holds the gate exactly while the update is handled, and releases it when the handler throws', async () => {
    const gate = new ForegroundGate(60_000);
    const mw = holdForeground({ foreground: () => gate.hold() } as unknown as BotDeps);
    let during = -1;
    await mw(ctx, async () => {
      during = gate.holds;
    });
    expect(during).toBe(1);
    expect(gate.holds).toBe(0);
    await expect(
      mw(ctx, async () => {
        during = gate.holds;
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect(during).toBe(1);
    expect(gate.holds).toBe(0);
  });

  it('passes straight through without a gate (tests, other faces)', async () => {
    let ran = false;
    await holdForeground({} as BotDeps)(ctx, async () => void (ran = true));
    expect(ran).toBe(true);
  });

  it('a hold that is never released lapses after its limit', async () => {
    const gate = new ForegroundGate(50);
    gate.hold();
    expect(gate.holds).toBe(1);
    await expect.poll(() => gate.holds, { timeout: 2_000 }).toBe(0);
  });
});
