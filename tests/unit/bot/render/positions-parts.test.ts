/**
 * /positions in two parts (bench markets, issue 15's /positions row): the text can be built
 * without drawing anything, and the P&L chart is a separate step, so a publisher can send the
 * numbers before the picture is drawn. The one-job renderer is the two parts in that order.
 */
import { describe, expect, it } from 'vitest';
import { portfolioRenderers, positionsChartOps, positionsTextOp } from '../../../../src/bot/render/portfolio.js';
import type { RenderContext } from '../../../../src/bot/render/types.js';
import type { Formatted } from '../../../../src/bot/format/message.js';
import type { NotifyOp } from '../../../../src/jobs/payloads/common.js';
import { position, snapshot } from '../views/fixtures.js';

function context(opts: { fail?: boolean } = {}): RenderContext & { drawn: string[]; captions: string[]; warned: number } {
  const drawn: string[] = [];
  const captions: string[] = [];
  const ctx = {
    drawn,
    captions,
    warned: 0,
    charts: {
      name: 'fake',
      render: async (spec: { title?: string }) => {
        drawn.push(spec.title ?? '');
        if (opts.fail) throw new Error('no canvas');
        return Buffer.from('png');
      },
    },
    photoOp: async (_png: Buffer, caption?: string | Formatted): Promise<NotifyOp> => {
      captions.push(typeof caption === 'string' ? caption : (caption?.text ?? ''));
      return { kind: 'photo', blobKey: `blob-${captions.length}`, caption: typeof caption === 'string' ? caption : (caption?.text ?? '') };
    },
    callbackKey: Buffer.from('k'),
    now: () => Date.parse('2025-01-10T15:00:00Z'),
    log: { warn: () => void (ctx.warned += 1) },
  };
  return ctx as RenderContext & { drawn: string[]; captions: string[]; warned: number };
}

const book = snapshot([position({ symbol: 'UPP', avgCost: 100, price: 110 }), position({ symbol: 'DWN', qty: 5, avgCost: 50, price: 40 })]);
const notice = { kind: 'portfolio.positions' as const, snapshot: book };

describe('/positions text and chart as two parts', () => {
  it('the text op draws nothing and carries the Close buttons', () => {
    const ctx = context();
    const op = positionsTextOp(notice, ctx);
    expect(ctx.drawn).toEqual([]);
    if (op.kind !== 'text') throw new Error(`expected a text op, got ${op.kind}`);
    expect(op.text.split('\n')[0]).toBe('📊 Open positions: 2');
    expect(op.keyboard?.flat().map((b) => b.text)).toEqual([expect.stringContaining('UPP'), expect.stringContaining('DWN')]);
  });

  it('the chart part draws the P&L bars once, captioned as before', async () => {
    const ctx = context();
    const ops = await positionsChartOps(notice, ctx);
    expect(ctx.drawn).toEqual(['Unrealized P&L by position (2)']);
    expect(ops).toEqual([{ kind: 'photo', blobKey: 'blob-1', caption: 'Unrealized P&L by position' }]);
  });

  it('a chart that cannot be drawn is no part at all (logged, not thrown)', async () => {
    const ctx = context({ fail: true });
    expect(await positionsChartOps(notice, ctx)).toEqual([]);
    expect(ctx.warned).toBe(1);
  });

  it('nothing priced: no chart part, nothing drawn', async () => {
    const ctx = context();
    const unpriced = { kind: 'portfolio.positions' as const, snapshot: snapshot([position({ symbol: 'NOP', price: null })]) };
    expect(await positionsChartOps(unpriced, ctx)).toEqual([]);
    expect(ctx.drawn).toEqual([]);
  });

  it('the one-job renderer is the text then the chart, unchanged', async () => {
    const ctx = context();
    const out = await portfolioRenderers['portfolio.positions'](notice, ctx);
    expect(out.origin).toBe('positions');
    expect(out.ops).toEqual([positionsTextOp(notice, context()), { kind: 'photo', blobKey: 'blob-1', caption: 'Unrealized P&L by position' }]);
  });
});
