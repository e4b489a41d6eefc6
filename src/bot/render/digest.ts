import type { NotifyOp } from '../../jobs/payloads/common.js';
import type { DigestNotice } from '../../trading/digest/notices.js';
import type { CloseDigestData } from '../../trading/digest/types.js';
import { closeDigestChart } from '../charts/digest-chart.js';
import { asFormatted } from '../format/message.js';
import { closeDigestView, morningDigestView, noSessionDigestView } from '../views/digest-view.js';
import type { RenderContext, Rendered, RendererTable } from './types.js';

/**
 * A scheduled digest publishes one notice object to every recipient: its
 * rendering (text, and the chart drawn and stored once) is kept per object
 * and reused, so N recipients cost one chart, as before the Notifier port.
 */
const renderedOnce = new WeakMap<DigestNotice, Promise<Rendered>>();

function once(n: DigestNotice, render: () => Promise<Rendered>): Promise<Rendered> {
  let r = renderedOnce.get(n);
  if (!r) {
    r = render();
    renderedOnce.set(n, r);
  }
  return r;
}

/** Chat renderings of every DigestNotice kind. */
export const digestRenderers: RendererTable<DigestNotice> = {
  'digest.morning': (n) => once(n, async () => ({ ops: [{ kind: 'text', ...asFormatted(morningDigestView(n.digest)) }], origin: 'digest-morning' })),
  'digest.close': (n, ctx) => once(n, () => renderClose(n.digest, ctx)),
  'digest.no-session': (n) => once(n, async () => ({ ops: [{ kind: 'text', ...asFormatted(noSessionDigestView(n.digest)) }], origin: 'digest-close' })),
};

/** The close digest's text, then the equity chart (when there is a curve and it can be drawn). */
async function renderClose(d: CloseDigestData, ctx: RenderContext): Promise<Rendered> {
  const ops: NotifyOp[] = [{ kind: 'text', ...asFormatted(closeDigestView(d)) }];
  const chart = closeDigestChart(d);
  if (chart) {
    try {
      const png = await ctx.charts.render(chart);
      ops.push(await ctx.photoOp(png, `📈 Equity, last ${d.curve.dates.length} sessions${chart.series.length > 1 ? ` vs ${d.benchmark.symbol} (dashed)` : ''}`));
    } catch (err) {
      // The numbers matter more than the picture: send the text alone.
      ctx.log.warn({ err, sessionDate: d.sessionDate }, 'digest chart failed; sending the digest without it');
    }
  }
  return { ops, origin: 'digest-close' };
}
