import type { AlertsNotice } from '../../trading/alerts/notices.js';
import { alertDetailText, formatEt, resolveDetailText } from '../views/alert-text.js';
import type { RendererTable } from './types.js';

/** Chat renderings of every AlertsNotice kind: plain text, three parts (what, the finding in words, when and the key). */
export const alertsRenderers: RendererTable<AlertsNotice> = {
  'alert.opened': async ({ alert: a }) => ({
    ops: [{ kind: 'text', text: [`🚨 ALERT (${a.severity}) · ${a.kind}`, alertDetailText(a.detail), `since ${formatEt(a.firstAt.getTime())} · key ${a.key}`].join('\n') }],
    origin: 'alert',
  }),
  'alert.recovered': async ({ alert: a, note, claimedAt }) => {
    const span = `open ${formatEt(a.firstAt.getTime())} → ${formatEt((a.resolvedAt ?? claimedAt).getTime())}${a.count > 1 ? `, seen ${a.count}×` : ''}`;
    return {
      ops: [{ kind: 'text', text: [`✅ RECOVERED · ${a.kind}`, note ? resolveDetailText(note) : alertDetailText(a.detail), `${span} · key ${a.key}`].join('\n') }],
      origin: 'alert',
    };
  },
};
