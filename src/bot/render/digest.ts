import type { DigestNotice } from '../../trading/digest/notices.js';
import type { RendererTable } from './types.js';

/** Chat renderings of every DigestNotice kind. */
export const digestRenderers: RendererTable<DigestNotice> = {};
