/**
 * A KR card posted while KRX takes no orders (issue 15): its own "Queue for the KRX open" button,
 * naming KRX's continuous-session open in KST, and a caption without "$"; a US card beside it keeps
 * NYSE's offer. During KRX's continuous session a KR card has Approve / Reject only.
 */
import { describe, expect, it } from 'vitest';
import { CALLBACK_ACTIONS, verifyCallback } from '../../../../src/bot/callback-data.js';
import { scanRenderers, type CardRenderContext } from '../../../../src/bot/render/scan.js';
import type { Formatted, Keyboard } from '../../../../src/bot/format/message.js';
import type { NotifyOp } from '../../../../src/jobs/payloads/common.js';
import { EXCHANGE_HOURS } from '../../../../src/engine/market-hours.js';
import { toSeries } from '../../../../src/engine/bars.js';
import { weekdaySessions } from '../../../../src/adapters/market-data/synthetic/sessions.js';
import type { StoredPick } from '../../../../src/trading/scan/pick.js';

const KEY = Buffer.from('scan-cards-kr-test-key');
const MON_2000_KST = Date.parse('2026-12-14T11:00:00Z'); // Mon 20:00 KST, 06:00 ET: both closed
const TUE_1000_KST = Date.parse('2026-12-15T01:00:00Z'); // Tue 10:00 KST: KRX continuous session

function context(nowMs: number): CardRenderContext & { posted: { caption: string; keyboard: Keyboard }[] } {
  const posted: { caption: string; keyboard: Keyboard }[] = [];
  return {
    posted,
    charts: { name: 'fake', render: async () => Buffer.from('png') },
    photoOp: async (_png, caption, keyboard) => {
      posted.push({ caption: typeof caption === 'string' ? caption : ((caption as Formatted | undefined)?.text ?? ''), keyboard: keyboard ?? [] });
      return { kind: 'text', text: 'photo' } as NotifyOp;
    },
    callbackKey: KEY,
    now: () => nowMs,
    log: { warn: () => undefined },
    hours: EXCHANGE_HOURS,
  };
}

function card(id: string, symbol: string, expiresAt: number, won: boolean) {
  const dates = weekdaySessions('2026-12-11', 130);
  const base = won ? 36_000 : 50;
  const series = toSeries(symbol, dates.map((date, i) => ({ date, open: base + i, high: base + 5 + i, low: base - 5 + i, close: base + i, volume: 1e6 })));
  const pick: StoredPick = won
    ? { id, symbol, strategy: 'donchian', sessionDate: '2026-12-14', entry: 36_500, stop: 35_900, target: null, qty: 10, dollarRisk: 6_000, reasons: ['x'], demo: true, expiresAt: new Date(expiresAt), state: 'PENDING' }
    : { id, symbol, strategy: 'donchian', sessionDate: '2026-12-11', entry: 63.4, stop: 60.1, target: null, qty: 10, dollarRisk: 33, reasons: ['x'], demo: true, expiresAt: new Date(expiresAt), state: 'PENDING' };
  return { pick, series };
}

const labels = (k: Keyboard) => k.map((row) => row.map((b) => b.text));

describe('scan.cards for a KR pick', () => {
  it('outside KRX hours: a queue button naming the KRX open in KST, signed for that pick; the US card keeps NYSE’s', async () => {
    const expires = Date.parse('2026-12-15T00:30:00Z'); // Tue 09:30 KST
    const ctx = context(MON_2000_KST);
    await scanRenderers['scan.cards']({ kind: 'scan.cards', cards: [card('pkr00001', '069500', expires, true), card('pxlk0001', 'XLK', expires, false)] }, ctx);
    const [kr, us] = ctx.posted;
    expect(labels(kr!.keyboard)[0]).toEqual(['✅ Approve', '✖ Reject']);
    expect(kr!.keyboard[1]![0]!.text).toMatch(/KRX open.*09:00 KST/);
    expect(verifyCallback(KEY, kr!.keyboard[1]![0]!.callback_data, MON_2000_KST)).toEqual({ ok: true, payload: { action: CALLBACK_ACTIONS.queueOp, arg: 'epkr00001', expiresAt: Math.ceil(expires / 1000) } });
    expect(kr!.caption).not.toContain('$');
    expect(kr!.caption).toContain('KST');
    expect(labels(us!.keyboard)).toEqual([['✅ Approve', '✖ Reject'], ['⏰ Queue for the open']]);
  });

  it('in KRX’s continuous session: Approve / Reject only', async () => {
    const ctx = context(TUE_1000_KST);
    await scanRenderers['scan.cards']({ kind: 'scan.cards', cards: [card('pkr00002', '069500', TUE_1000_KST + 30 * 60_000, true)] }, ctx);
    expect(labels(ctx.posted[0]!.keyboard)).toEqual([['✅ Approve', '✖ Reject']]);
  });
});
