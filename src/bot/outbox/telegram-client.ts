import { Telegram } from 'telegraf';

/** The Bot API client workers send through (the notify worker and scheduled scans' acks). */
export function createTelegramClient(opts: { token: string; apiRoot: string }): Telegram {
  return new Telegram(opts.token, { apiRoot: opts.apiRoot });
}

/**
 * Sends one plain message right away and returns its id, for a job that must
 * edit it later (a scheduled scan's "scanning…" ack, edited with progress).
 */
export function directTextSender(telegram: Telegram): (chatId: number, text: string, silent: boolean) => Promise<number> {
  return async (chatId, text, silent) => (await telegram.sendMessage(chatId, text, silent ? { disable_notification: true } : {})).message_id;
}
