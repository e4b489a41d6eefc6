/**
 * The pick cards a scan posts (issue 13, item 2): outside the session each card offers
 * "⏰ Queue for the open" as its own signed button (op `e<pick id>`, valid as long as the pick)
 * and says when the order would go and expire; in session, or with MARKET_HOURS=always, a card
 * has Approve / Reject only.
 */
import { describe, expect, it } from 'vitest';
import { CALLBACK_ACTIONS, verifyCallback } from '../../../../src/bot/callback-data.js';
import { scanRenderers, type CardRenderContext } from '../../../../src/bot/render/scan.js';
import type { Formatted, Keyboard } from '../../../../src/bot/format/message.js';
import type { NotifyOp } from '../../../../src/jobs/payloads/common.js';
import { ALWAYS_OPEN, EXCHANGE_HOURS, type MarketHours } from '../../../../src/engine/market-hours.js';
import { toSeries } from '../../../../src/engine/bars.js';
import { weekdaySessions } from '../../../../src/adapters/market-data/synthetic/sessions.js';
import type { StoredPick } from '../../../../src/trading/scan/pick.js';

const KEY = Buffer.from('scan-cards-test-key');
const SATURDAY = Date.parse('2026-12-12T17:00:00Z'); // Sat 12:00 ET
const MONDAY_1100 = Date.parse('2026-12-14T16:00:00Z'); // Mon 11:00 ET, in session

interface Posted {
  caption: string;
  keyboard: Keyboard;
  ref: string | undefined;
}

function context(hours: MarketHours | undefined, nowMs: number): CardRenderContext & { posted: Posted[] } {
  const posted: Posted[] = [];
  return {
    posted,
    charts: { name: 'fake', render: async () => Buffer.from('png') },
    photoOp: async (_png, caption, keyboard, ref) => {
      posted.push({ caption: typeof caption === 'string' ? caption : ((caption as Formatted | undefined)?.text ?? ''), keyboard: keyboard ?? [], ref });
      return { kind: 'text', text: 'photo' } as NotifyOp;
    },
    callbackKey: KEY,
    now: () => nowMs,
    log: { warn: () => undefined },
    ...(hours ? { hours } : {}),
  };
}

function card(id: string, symbol: string, expiresAt: number): { pick: StoredPick; series: ReturnType<typeof toSeries> } {
  const dates = weekdaySessions('2026-12-11', 130);
  const series = toSeries(symbol, dates.map((date, i) => ({ date, open: 50 + i / 10, high: 51 + i / 10, low: 49 + i / 10, close: 50.5 + i / 10, volume: 1e6 })));
  const pick: StoredPick = { id, symbol, strategy: 'donchian', sessionDate: '2026-12-11', entry: 63.4, stop: 60.1, target: null, qty: 10, dollarRisk: 33, reasons: ['x'], demo: true, expiresAt: new Date(expiresAt), state: 'PENDING' };
  return { pick, series };
}

async function render(ctx: CardRenderContext, cards: ReturnType<typeof card>[]) {
  return scanRenderers['scan.cards']({ kind: 'scan.cards', cards }, ctx);
}

const labels = (k: Keyboard) => k.map((row) => row.map((b) => b.text));

describe('scan.cards', () => {
  it('outside the session: a third button, ⏰ Queue for the open, signed for that pick until it expires', async () => {
    const expires = SATURDAY + 30 * 60_000;
    const ctx = context(EXCHANGE_HOURS, SATURDAY);
    await render(ctx, [card('pxlk0001', 'XLK', expires), card('ptol0002', 'TOL', expires)]);
    expect(ctx.posted).toHaveLength(2);
    for (const [i, id] of ['pxlk0001', 'ptol0002'].entries()) {
      const { keyboard, caption, ref } = ctx.posted[i]!;
      expect(ref).toBe(`pick:${id}`);
      expect(labels(keyboard)).toEqual([['✅ Approve', '✖ Reject'], ['⏰ Queue for the open']]);
      const verdict = verifyCallback(KEY, keyboard[1]![0]!.callback_data, SATURDAY);
      expect(verdict).toEqual({ ok: true, payload: { action: CALLBACK_ACTIONS.queueOp, arg: `e${id}`, expiresAt: Math.ceil(expires / 1000) } });
      // Valid as long as the pick: not after it expires.
      expect(verifyCallback(KEY, keyboard[1]![0]!.callback_data, expires + 1_000)).toEqual({ ok: false, reason: 'expired' });
      expect(caption).toMatch(/⏰ Queue for the open sends it at Mon Dec 14 09:31 ET .*not sent by Mon Dec 14 10:00 ET, it expires/);
    }
  });

  it('in session: Approve / Reject only, and no queue line', async () => {
    const ctx = context(EXCHANGE_HOURS, MONDAY_1100);
    await render(ctx, [card('pxlk0001', 'XLK', MONDAY_1100 + 30 * 60_000)]);
    expect(labels(ctx.posted[0]!.keyboard)).toEqual([['✅ Approve', '✖ Reject']]);
    expect(ctx.posted[0]!.caption).not.toMatch(/Queue/);
  });

  it('MARKET_HOURS=always, or a context without hours: no queue offer', async () => {
    for (const hours of [ALWAYS_OPEN, undefined]) {
      const ctx = context(hours, SATURDAY);
      await render(ctx, [card('pxlk0001', 'XLK', SATURDAY + 30 * 60_000)]);
      expect(labels(ctx.posted[0]!.keyboard), hours?.name ?? 'none').toEqual([['✅ Approve', '✖ Reject']]);
    }
  });
});
