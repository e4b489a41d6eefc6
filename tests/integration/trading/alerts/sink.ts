import type { AlertsNotice } from '../../../../src/trading/alerts/notices.js';
import type { Notice, Notifier, PublishOptions } from '../../../../src/trading/notifier.js';
import { alertsRenderers } from '../../../../src/bot/render/alerts.js';
import type { RenderContext, Rendered } from '../../../../src/bot/render/types.js';

/** One alert message: the notice published (codes and figures) and the text an admin would read. */
export interface Sent {
  chatId: number;
  notice: AlertsNotice;
  text: string;
  jobId: string;
}

/** Alerts render without charts or buttons: this context only has to exist. */
const ctx: RenderContext = {
  charts: {
    name: 'none',
    render: async () => {
      throw new Error('alerts draw no charts');
    },
  },
  photoOp: async () => {
    throw new Error('alerts send no photos');
  },
  callbackKey: Buffer.from('test'),
  now: () => Date.now(),
  log: { warn: () => undefined },
};

/** The chat text of an alerts notice, rendered by the bot's renderer. */
export async function alertText(notice: AlertsNotice): Promise<string> {
  const render = alertsRenderers[notice.kind] as (n: AlertsNotice, c: RenderContext) => Promise<Rendered>;
  const { ops } = await render(notice, ctx);
  const op = ops[0];
  return op?.kind === 'text' ? op.text : '';
}

/**
 * A Notifier that records each notice and what each admin would read (the
 * bot's rendering of it) with its key; `failNext(n)` makes the next n
 * publishes throw.
 */
export function sink(): { sent: Sent[]; texts: string[]; notifier: Pick<Notifier, 'publish'>; failNext(n: number): void } {
  const sent: Sent[] = [];
  const texts: string[] = [];
  let failing = 0;
  return {
    sent,
    texts,
    notifier: {
      publish: async (chatId: number, notice: Notice, opts?: PublishOptions) => {
        if (failing > 0) {
          failing--;
          throw new Error('queue unavailable');
        }
        const text = await alertText(notice as AlertsNotice);
        sent.push({ chatId, notice: notice as AlertsNotice, text, jobId: opts?.key ?? '' });
        texts.push(text);
      },
    },
    failNext(n) {
      failing = n;
    },
  };
}
