import type { ChartSpec } from '../../adapters/charts/port.js';
import type { NotifyOp } from '../../jobs/payloads/common.js';
import type { HypothesesViewNotice } from '../../trading/hypotheses/views-notices.js';
import { asFormatted, type Formatted } from '../format/message.js';
import { hypothesisEquityChart, lifecycleChart } from '../views/hypotheses-charts.js';
import { hypothesesOverviewText, hypothesisDetailText, hypothesisUnknownText } from '../views/hypotheses-view.js';
import type { RenderContext, RendererTable } from './types.js';

/** Chat renderings of the hypotheses' read notices: the text always, then its chart when one can be drawn. */
export const hypothesesRenderers: RendererTable<HypothesesViewNotice> = {
  'hypotheses.overview': async (n, ctx) => {
    const ops: NotifyOp[] = [textOp(hypothesesOverviewText(n.overview))];
    const chart = lifecycleChart(n.overview);
    const photo = chart ? await chartPhoto(ctx, chart, 'Hypotheses per state (count/cap)') : null;
    if (photo) ops.push(photo);
    return { ops, origin: 'hypotheses' };
  },
  'hypotheses.detail': async (n, ctx) => {
    if (!n.detail) return { ops: [textOp(hypothesisUnknownText(n.asked))], origin: 'hypothesis-unknown' };
    const ops: NotifyOp[] = [textOp(hypothesisDetailText(n.detail))];
    const chart = hypothesisEquityChart(n.detail);
    const photo = chart ? await chartPhoto(ctx, chart, `${n.detail.id}: out-of-sample equity`) : null;
    if (photo) ops.push(photo);
    return { ops, origin: 'hypothesis' };
  },
};

function textOp(msg: string | Formatted): NotifyOp {
  return { kind: 'text', ...asFormatted(msg) };
}

/** A chart is a nice-to-have beside the numbers: when it cannot be drawn the text still goes out alone. */
async function chartPhoto(ctx: RenderContext, spec: ChartSpec, caption: string): Promise<NotifyOp | null> {
  try {
    return await ctx.photoOp(await ctx.charts.render(spec), caption);
  } catch (err) {
    ctx.log.warn({ err, chart: spec.title }, 'hypotheses chart failed; sending text only');
    return null;
  }
}
