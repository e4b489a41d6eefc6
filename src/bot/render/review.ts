import type { ReviewNotice } from '../../trading/review/notices.js';
import type { RendererTable } from './types.js';

/** Chat rendering of ReviewNotice. SCAFFOLD: filled in with the notices. */
export const reviewRenderers: RendererTable<ReviewNotice> = {};
