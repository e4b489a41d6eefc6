import type { BacktestNotice } from '../../trading/backtest/notices.js';
import type { RendererTable } from './types.js';

/** Chat renderings of every BacktestNotice kind. */
export const backtestRenderers: RendererTable<BacktestNotice> = {};
