import { dataLoadingRenderers } from './data-loading.js';
import type { Notice } from '../../trading/notifier.js';
import { alertsRenderers } from './alerts.js';
import { backtestRenderers } from './backtest.js';
import { digestRenderers } from './digest.js';
import { executionRenderers } from './execution.js';
import { portfolioRenderers } from './portfolio.js';
import { scanRenderers } from './scan.js';
import { statusRenderers } from './status.js';
import { queueRenderers } from './queue.js';
import { hypothesesRenderers } from './hypotheses.js';
import { incubationRenderers } from './hypotheses-incubation.js';
import { riskRenderers } from './risk.js';
import { driftRenderers } from './drift.js';
import { reviewRenderers } from './review.js';
import type { RenderContext, Rendered, RendererTable } from './types.js';

/** Every notice kind's chat rendering; the type makes a kind without a renderer a compile error. */
export const RENDERERS: RendererTable<Notice> = {
  ...executionRenderers,
  ...scanRenderers,
  ...backtestRenderers,
  ...portfolioRenderers,
  ...digestRenderers,
  ...alertsRenderers,
  ...statusRenderers,
  ...queueRenderers,
  ...dataLoadingRenderers,
  ...hypothesesRenderers,
  ...incubationRenderers,
  ...riskRenderers,
  ...driftRenderers,
  ...reviewRenderers,
};

/** Renders one notice for chat. */
export function renderNotice(notice: Notice, ctx: RenderContext): Promise<Rendered> {
  const kind = (notice as { kind: string }).kind;
  const render = (RENDERERS as Record<string, (n: Notice, c: RenderContext) => Promise<Rendered>>)[kind];
  if (!render) throw new Error(`no chat renderer for notice kind "${kind}"`);
  return render(notice, ctx);
}
