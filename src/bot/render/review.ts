import type { NotifyOp } from '../../jobs/payloads/common.js';
import type { ReviewNotice } from '../../trading/review/notices.js';
import { weeklyReviewChart } from '../charts/review-chart.js';
import { asFormatted } from '../format/message.js';
import { weeklyReviewView } from '../views/review-view.js';
import type { Rendered, RendererTable } from './types.js';

/** One review object goes to every recipient: it is rendered (and its chart drawn) once per object. */
const renderedOnce = new WeakMap<ReviewNotice, Promise<Rendered>>();

/** Chat rendering of ReviewNotice: the text, then the chart (the text alone when the chart fails). */
export const reviewRenderers: RendererTable<ReviewNotice> = {
  'review.weekly': (n, ctx) => {
    let r = renderedOnce.get(n);
    if (!r) {
      r = (async (): Promise<Rendered> => {
        const ops: NotifyOp[] = [{ kind: 'text', ...asFormatted(weeklyReviewView(n.review)) }];
        const chart = weeklyReviewChart(n.review);
        if (chart) {
          try {
            ops.push(await ctx.photoOp(await ctx.charts.render(chart.spec), chart.caption));
          } catch (err) {
            // The figures matter more than the picture.
            ctx.log.warn({ err, sessionDate: n.review.sessionDate }, 'weekly review chart failed; sending the review without it');
          }
        }
        return { ops, origin: 'review-weekly' };
      })();
      renderedOnce.set(n, r);
    }
    return r;
  },
};
