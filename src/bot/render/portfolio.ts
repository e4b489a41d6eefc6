import type { PortfolioNotice } from '../../trading/portfolio/notices.js';
import type { RendererTable } from './types.js';

/** Chat renderings of every PortfolioNotice kind. */
export const portfolioRenderers: RendererTable<PortfolioNotice> = {};
