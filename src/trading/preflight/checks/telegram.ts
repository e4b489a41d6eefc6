import type { Role } from '../../../lib/roles.js';
import type { PreflightCheck } from '../types.js';
import type { TelegramProbe } from './ports.js';

export interface TelegramCheckDeps {
  /** Local mode: the emulated Bot API of the bot process, no token. */
  local: boolean;
  /** The Bot API root (never with the token in it). */
  apiRoot: string;
  allowed: ReadonlyMap<number, Role>;
  /** The webhook URL configured (TELEGRAM_WEBHOOK_URL), null when the bot polls. */
  webhookUrl: string | null;
  probe: TelegramProbe;
}

const TOKEN_FIX = 'Set TELEGRAM_BOT_TOKEN to the token @BotFather gave this bot (/mybots → API Token), then run preflight again.';

/** The token (getMe), the allow-list, and whether Telegram delivers the way this installation receives (polling or webhook). */
export function telegramChecks(d: TelegramCheckDeps): PreflightCheck[] {
  const unreachable = `The Bot API at ${d.apiRoot} did not answer: check the network (or TELEGRAM_API_ROOT), then run preflight again.`;
  return [
    {
      id: 'telegram.token',
      title: 'Telegram token',
      fixOnError: unreachable,
      run: async () => {
        if (d.local) return { level: 'pass', saw: 'local mode: no token; the emulated Bot API runs inside the bot process' };
        const me = await d.probe.getMe();
        if (me.ok) return { level: 'pass', saw: `getMe: @${me.result.username ?? '?'} (id ${me.result.id})` };
        return { level: 'fail', saw: `getMe refused the token: ${me.status} ${me.description}`, fix: TOKEN_FIX };
      },
    },
    {
      id: 'telegram.allow-list',
      title: 'Allow-list',
      run: async () => {
        const admins = [...d.allowed.values()].filter((r) => r === 'admin').length;
        const n = d.allowed.size;
        if (d.local) return { level: 'pass', saw: `local mode: ${n} user${n === 1 ? '' : 's'} (${admins} admin${admins === 1 ? '' : 's'})` };
        if (n === 0) return { level: 'fail', saw: 'TELEGRAM_ALLOWED_USER_IDS is empty: nobody can use the bot', fix: 'Set TELEGRAM_ALLOWED_USER_IDS=<your Telegram id>:admin (more users comma-separated), then restart.' };
        if (admins === 0) return { level: 'warn', saw: `${n} user${n === 1 ? '' : 's'}, no admin: nobody can /resume, /stuck or /preflight`, fix: 'Give one user the admin role in TELEGRAM_ALLOWED_USER_IDS (<id>:admin), then restart.' };
        return { level: 'pass', saw: `${n} user${n === 1 ? '' : 's'}, ${admins} admin${admins === 1 ? '' : 's'}` };
      },
    },
    {
      id: 'telegram.delivery',
      title: d.webhookUrl ? 'Webhook' : 'Polling',
      fixOnError: unreachable,
      run: async () => {
        if (d.local) return { level: 'pass', saw: 'local mode: the emulator delivers to the bot process (polling)' };
        const info = await d.probe.getWebhookInfo();
        if (!info.ok) return { level: 'fail', saw: `getWebhookInfo refused: ${info.status} ${info.description}`, fix: TOKEN_FIX };
        const set = info.result.url;
        const pending = info.result.pending_update_count ?? 0;
        const lastError = info.result.last_error_message;
        if (d.webhookUrl) {
          if (set !== d.webhookUrl) {
            return {
              level: 'fail',
              saw: set ? `Telegram delivers to ${set}, not the configured ${d.webhookUrl}` : `no webhook is set at Telegram (configured ${d.webhookUrl})`,
              fix: 'Start (or restart) the bot role: it sets the webhook at start-up; make sure only one installation uses this token.',
            };
          }
          if (lastError) return { level: 'warn', saw: `webhook ${set}, ${pending} update${pending === 1 ? '' : 's'} waiting; last delivery error: ${lastError}`, fix: 'Check that the webhook URL is reachable from the internet over HTTPS and the bot role is up.' };
          return { level: 'pass', saw: `webhook ${set}, ${pending} update${pending === 1 ? '' : 's'} waiting` };
        }
        if (set) return { level: 'fail', saw: `a webhook is set at Telegram (${set}) while this installation polls: getUpdates is refused`, fix: 'Remove it (deleteWebhook, or start the bot role: polling clears it) or set TELEGRAM_WEBHOOK_URL to it, and make sure only one installation uses this token.' };
        return { level: 'pass', saw: `polling (no webhook set), ${pending} update${pending === 1 ? '' : 's'} waiting` };
      },
    },
  ];
}
