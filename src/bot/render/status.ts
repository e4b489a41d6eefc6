import type { StatusNotice } from '../../trading/status/notices.js';
import type { RendererTable } from './types.js';

/** Chat renderings of every StatusNotice kind. */
export const statusRenderers: RendererTable<StatusNotice> = {};
