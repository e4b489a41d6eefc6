import type { VarNotice } from '../../trading/risk/var-notices.js';
import type { RendererTable } from './types.js';

/** Chat rendering of VarNotice. SCAFFOLD: filled in with the notices. */
export const riskRenderers: RendererTable<VarNotice> = {};
