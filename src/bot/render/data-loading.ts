import type { SeedingNotice } from '../../trading/seeding/notices.js';
import { scanNotReadyText } from '../views/data-loading-view.js';
import type { RendererTable } from './types.js';

/** Chat renderings of the data-loading notices: the scan's "queued" message becomes the answer when there is one. */
export const dataLoadingRenderers: RendererTable<SeedingNotice> = {
  'scan.not-ready': async (n) => {
    const text = scanNotReadyText(n);
    return { ops: [n.messageId !== undefined ? { kind: 'edit', messageId: n.messageId, text } : { kind: 'text', text }], origin: n.command ?? 'scan' };
  },
};
