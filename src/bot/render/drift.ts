import type { DriftNotice } from '../../trading/risk/drift-notices.js';
import type { RendererTable } from './types.js';

/** Chat rendering of DriftNotice. SCAFFOLD: filled in with the notices. */
export const driftRenderers: RendererTable<DriftNotice> = {};
