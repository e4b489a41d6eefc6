import type { StatusNotice } from '../../trading/status/notices.js';
import { asFormatted } from '../format/message.js';
import { picksView } from '../views/picks-view.js';
import { statusView } from '../views/status-view.js';
import type { RendererTable } from './types.js';

/** Chat renderings of every StatusNotice kind. */
export const statusRenderers: RendererTable<StatusNotice> = {
  'command.status': async (n) => ({ ops: [{ kind: 'text', ...asFormatted(statusView(n.status)) }], origin: 'status' }),
  'command.picks': async (n) => ({ ops: [{ kind: 'text', ...asFormatted(picksView(n.date, n.picks, n.asked)) }], origin: 'picks' }),
  'command.failed': async (n) => ({
    ops: [{ kind: 'text', text: `❌ ${n.command.replace(/^command\./, '/')} failed after ${n.attempts} attempt(s): ${n.error}\nNothing was changed. Try again in a minute, or check /status.` }],
    origin: 'command-failed',
  }),
  // The scan's ack message becomes the failure when there is one; otherwise the failure is a new message.
  'command.scan-failed': async (n) => {
    const text = `❌ Scan failed: ${n.error}\nNothing was ordered. Try /scan again in a minute, or check /status.`;
    return { ops: [n.ackMessageId !== undefined ? { kind: 'edit', messageId: n.ackMessageId, text } : { kind: 'text', text }], origin: 'scan-failed' };
  },
};
