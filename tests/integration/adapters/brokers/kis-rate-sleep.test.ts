import { expect, it } from 'vitest';
import { makeBroker, useKisEmulator } from './kis-test-broker.js';

/**
 * The request rate waits on the connection's injected sleep: with a clock
 * that the sleep moves (a test's fake time), pacing at KIS_MAX_RPS 1 costs
 * no real seconds. (The shared-rate test in kis-account runs on the wall clock.)
 */

const t = useKisEmulator();

it('pacing at 1 request a second waits on the injected sleep, not in real time', async () => {
  let fake = 1_000_000;
  const slept: number[] = [];
  const broker = makeBroker(t.emu, t.prefix, {
    maxRps: 1,
    rateClock: () => fake,
    sleep: async (ms) => {
      slept.push(ms);
      fake += ms;
    },
  });
  const started = Date.now();
  // tokenP is not paced; three balance reads at 1/s need two waits of about a second each.
  const work = (async () => {
    for (let i = 0; i < 3; i++) await broker.account();
  })();
  const timedOut = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 3000));
  expect(await Promise.race([work.then(() => 'done' as const), timedOut])).toBe('done');
  expect(Date.now() - started).toBeLessThan(1500);
  expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2000);
});
