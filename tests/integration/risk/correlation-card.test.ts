/**
 * The scan.cards notice with correlation figures, rendered as the bot posts it: the correlated card
 * says what it moves with and the cluster's risk (figures that recompute, parsed from the caption);
 * the uncorrelated card says nothing about correlation; a notice without figures (an older queued
 * notice) renders as before.
 */
import { describe, expect, it } from 'vitest';
import { scanRenderers, type CardRenderContext } from '../../../src/bot/render/scan.js';
import type { Formatted } from '../../../src/bot/format/message.js';
import type { NotifyOp } from '../../../src/jobs/payloads/common.js';
import { ALWAYS_OPEN } from '../../../src/engine/market-hours.js';
import { toSeries } from '../../../src/engine/bars.js';
import { weekdaySessions } from '../../../src/adapters/market-data/synthetic/sessions.js';
import type { StoredPick } from '../../../src/trading/scan/pick.js';
import type { PickCorrelation } from '../../../src/trading/risk/card-correlation.js';

function context(): CardRenderContext & { captions: string[] } {
  const captions: string[] = [];
  return {
    captions,
    charts: { name: 'fake', render: async () => Buffer.from('png') },
    photoOp: async (_png, caption) => {
      captions.push(typeof caption === 'string' ? caption : ((caption as Formatted | undefined)?.text ?? ''));
      return { kind: 'text', text: 'photo' } as NotifyOp;
    },
    callbackKey: Buffer.from('k'),
    now: () => Date.parse('2026-12-14T16:00:00Z'),
    log: { warn: () => undefined },
    hours: ALWAYS_OPEN,
  };
}

function card(id: string, symbol: string, dollarRisk: number) {
  const dates = weekdaySessions('2026-12-11', 130);
  const series = toSeries(symbol, dates.map((date, i) => ({ date, open: 50 + i / 10, high: 51 + i / 10, low: 49 + i / 10, close: 50.5 + i / 10, volume: 1e6 })));
  const pick: StoredPick = { id, symbol, strategy: 'donchian', sessionDate: '2026-12-11', entry: 63.4, stop: 60.1, target: null, qty: 10, dollarRisk, reasons: ['x'], demo: false, expiresAt: new Date('2026-12-14T17:00:00Z'), state: 'PENDING' };
  return { pick, series };
}

const dollars = (s: string) => Number(s.replace(/[$,]/g, ''));

describe('scan.cards with correlation figures', () => {
  it('the correlated card names the positions and picks it moves with and the cluster risk; the other card is silent', async () => {
    const corr: PickCorrelation = {
      positions: [
        { symbol: 'HELD', rho: 0.93 },
        { symbol: 'LINK', rho: 0.41 },
      ],
      candidates: [{ symbol: 'TWIN', rho: 0.88 }],
      riskBefore: 1820.45,
      pickRisk: 33,
      riskAfter: 1853.45,
      equity: 90_000,
      riskAfterPct: (1853.45 / 90_000) * 100,
      maxClusterRiskPct: 2,
      corrLimit: 0.7,
      overLimit: true,
      unmeasured: ['NEWB'],
    };
    const ctx = context();
    await scanRenderers['scan.cards']({ kind: 'scan.cards', cards: [card('p1', 'CAND', 33), card('p2', 'FREE', 33)], correlation: { p1: corr } }, ctx);
    const [c1, c2] = ctx.captions as [string, string];
    expect(c1).toContain("🔗 Moves with open HELD (correlation 0.93), LINK (0.41, linked through the others); and with this scan's TWIN (0.88) (daily returns correlated at 0.70 or more)");
    const m = /Cluster risk (\$[\d,.]+) \+ this pick's (\$[\d,.]+) = (\$[\d,.]+), ([\d.]+)% of equity (\$[\d,.]+) \(limit 2\.00%\) — over the limit/.exec(c1);
    expect(m, c1).not.toBeNull();
    const [before, pick, after, shownPct, equity] = [dollars(m![1]!), dollars(m![2]!), dollars(m![3]!), Number(m![4]), dollars(m![5]!)];
    expect(Math.round((before + pick) * 100)).toBe(Math.round(after * 100));
    expect(Number(((after / equity) * 100).toFixed(2))).toBe(shownPct);
    // The pick's risk on the cluster line is the card's own risk line.
    expect(c1).toContain(`risk ${m![2]} if the stop fills`);
    expect(c1).toContain('Correlation not measured (too few shared sessions): NEWB');
    expect(c2).not.toMatch(/Moves with|Cluster risk|Correlation/);
    // Without figures (a notice queued by an older release): the same card as before, no correlation lines.
    const old = context();
    await scanRenderers['scan.cards']({ kind: 'scan.cards', cards: [card('p1', 'CAND', 33)] }, old);
    expect(old.captions[0]).not.toMatch(/Moves with|Cluster risk/);
  });

  it('a pick that moves only with other picks of the scan says so, without a cluster-risk line', async () => {
    const ctx = context();
    const corr: PickCorrelation = { positions: [], candidates: [{ symbol: 'TWIN', rho: 0.91 }], riskBefore: 0, pickRisk: 33, riskAfter: 33, equity: Number.NaN, riskAfterPct: Number.NaN, maxClusterRiskPct: 2, corrLimit: 0.7, overLimit: false, unmeasured: [] };
    await scanRenderers['scan.cards']({ kind: 'scan.cards', cards: [card('p1', 'CAND', 33)], correlation: { p1: corr } }, ctx);
    expect(ctx.captions[0]).toContain("🔗 Moves with this scan's TWIN (correlation 0.91) (daily returns correlated at 0.70 or more)\nApproving more than one of them adds up to one bet.");
    expect(ctx.captions[0]).not.toContain('Cluster risk');
  });
});
