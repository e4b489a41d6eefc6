import type { ScanNotice } from '../../trading/scan/notices.js';
import type { RendererTable } from './types.js';

/** Chat renderings of every ScanNotice kind. */
export const scanRenderers: RendererTable<ScanNotice> = {};
