import type { DriftNotice } from '../../trading/risk/drift-notices.js';
import { executionWideText, testBreachText } from '../views/drift-view.js';
import type { RendererTable } from './types.js';

/** Chat rendering of DriftNotice: one plain-text message per alert (see src/bot/views/drift-view.ts). */
export const driftRenderers: RendererTable<DriftNotice> = {
  'drift.test-breach': async (n) => ({ ops: [{ kind: 'text', text: testBreachText(n) }], origin: 'drift' }),
  'drift.execution-wide': async (n) => ({ ops: [{ kind: 'text', text: executionWideText(n) }], origin: 'drift' }),
};
