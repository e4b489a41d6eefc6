import type { StatusNotice } from '../../trading/status/notices.js';
import { COMMANDS_BY_NAME } from '../commands/index.js';
import { asFormatted } from '../format/message.js';
import { picksView } from '../views/picks-view.js';
import { statusView } from '../views/status-view.js';
import { configChangedView } from '../views/config-pin-view.js';
import type { RendererTable } from './types.js';

/**
 * A command job whose request can never work (e.g. an impossible date in a
 * forged or old job): "try again" would be the wrong hint, so the answer is
 * the command's usage. `job` is the job name: `command.picks` → /picks,
 * `digest.send` → /digest.
 */
function invalidRequestText(job: string, error: string): string {
  const def = COMMANDS_BY_NAME.get(job.replace(/^command\./, '').split('.')[0]!);
  const label = def ? `/${def.name}` : job;
  return `❌ ${label} was not run: ${error}\nIt cannot work as sent, so it was not retried. ${def ? `Usage: ${def.usage}` : 'Send /help to see the commands.'}`;
}

/** Chat renderings of every StatusNotice kind. */
export const statusRenderers: RendererTable<StatusNotice> = {
  'command.status': async (n) => ({ ops: [{ kind: 'text', ...asFormatted(statusView(n.status)) }], origin: 'status' }),
  'command.picks': async (n) => ({ ops: [{ kind: 'text', ...asFormatted(picksView(n.date, n.picks, n.asked)) }], origin: 'picks' }),
  'command.failed': async (n) => ({
    ops: [{ kind: 'text', text: n.invalid ? invalidRequestText(n.command, n.error) : `❌ ${n.command.replace(/^command\./, '/')} failed after ${n.attempts} attempt(s): ${n.error}\nNothing was changed. Try again in a minute, or check /status.` }],
    origin: 'command-failed',
  }),
  // The scan's ack message becomes the failure when there is one; otherwise the failure is a new message.
  'command.scan-failed': async (n) => {
    const text = `❌ Scan failed: ${n.error}\nNothing was ordered. Try /scan again in a minute, or check /status.`;
    return { ops: [n.ackMessageId !== undefined ? { kind: 'edit', messageId: n.ackMessageId, text } : { kind: 'text', text }], origin: 'scan-failed' };
  },
  'config.changed': async (n) => ({ ops: [{ kind: 'text', text: configChangedView(n.change) }], origin: 'config-changed' }),
};
