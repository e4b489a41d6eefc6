import type { AlertsNotice } from '../../trading/alerts/notices.js';
import type { RendererTable } from './types.js';

/** Chat renderings of every AlertsNotice kind. */
export const alertsRenderers: RendererTable<AlertsNotice> = {};
