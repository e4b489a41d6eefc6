import type { Context } from 'telegraf';
import { fmt } from 'telegraf/format';
import { z } from 'zod';
import { CALLBACK_ACTIONS, signCallback, type CallbackAction } from '../callback-data.js';
import type { BotDeps } from '../deps.js';
import type { SqlSession } from '../../adapters/db/port.js';
import { changeSetting } from '../../trading/settings/change.js';
import { UserSettingsRepo } from '../../trading/settings/repo.js';
import { NOTIFY_KINDS, NOTIFY_MODES, notifyKindSchema, notifyModeSchema, type NotifyKind, type NotifyMode } from '../../trading/settings/schema.js';
import { KIND_LABEL, parseSettingsArg, settingsKeyboard, settingsView } from '../views/settings-view.js';
import { defineCommand, type RawArgs } from './define.js';

/**
 * The callback action code of the settings buttons. It must be listed in
 * CALLBACK_ACTIONS (src/bot/callback-data.ts) as `settingsSet: 'st'`; until
 * then signing refuses it and /settings fails loudly rather than sending dead buttons.
 */
export const SETTINGS_CALLBACK_ACTION = ((CALLBACK_ACTIONS as Record<string, string>)['settingsSet'] ?? 'st') as CallbackAction;

/** Settings buttons stay valid this long; after that the user sends /settings again. */
export const SETTINGS_BUTTON_TTL_MS = 24 * 3600_000;

/** What the settings command and buttons need (BotDeps fits). */
export type SettingsDeps = Pick<BotDeps, 'config' | 'audit' | 'log' | 'now'> & {
  /** Postgres: settings are read and changed in the bot process, so a tap gets its answer at once. */
  uow: SqlSession;
  /** Signs a button argument; default {@link settingsSigner} (tests replace it). */
  signSettingsArg?: (arg: string) => string;
};

/** Signs settings-button arguments with the `st` action, valid for {@link SETTINGS_BUTTON_TTL_MS}. */
export function settingsSigner(deps: Pick<SettingsDeps, 'config' | 'now' | 'signSettingsArg'>): (arg: string) => string {
  if (deps.signSettingsArg) return deps.signSettingsArg;
  const expires = deps.now() + SETTINGS_BUTTON_TTL_MS;
  return (arg) => signCallback(deps.config.telegram.callbackKey, SETTINGS_CALLBACK_ACTION, arg, expires);
}

/** The settings use case's ports, from the bot's. */
function settingsChangeDeps(deps: SettingsDeps) {
  return { db: deps.uow, audit: deps.audit, log: deps.log };
}

type SettingsArgs = { set: { kind: NotifyKind; mode: NotifyMode } | null };

const argsSchema: z.ZodType<SettingsArgs, RawArgs> = z
  .object({ tokens: z.array(z.string()).max(2, `takes no arguments, or a setting and a mode, e.g. digest silent`), text: z.string() })
  .transform((a, ctx): SettingsArgs => {
    if (a.tokens.length === 0) return { set: null };
    const kind = notifyKindSchema.safeParse(a.tokens[0]?.toLowerCase());
    const mode = notifyModeSchema.safeParse(a.tokens[1]?.toLowerCase());
    if (a.tokens.length !== 2 || !kind.success || !mode.success) {
      ctx.addIssue({ code: 'custom', message: `takes a setting (${NOTIFY_KINDS.join('|')}) and a mode (${NOTIFY_MODES.join('|')}), e.g. /settings digest silent` });
      return z.NEVER;
    }
    return { set: { kind: kind.data, mode: mode.data } };
  });

/**
 * /settings: shows the caller's notification settings with buttons to change
 * them; `/settings digest silent` changes one directly. Each user only ever
 * changes their own settings (the buttons carry no user id).
 */
export const settingsCommand = defineCommand({
  name: 'settings',
  summary: 'Turn digests, fill notifications and the weekly review on, silent or off',
  usage: `/settings [${NOTIFY_KINDS.join('|')} ${NOTIFY_MODES.join('|')}]`,
  role: 'viewer',
  args: argsSchema,
  async run({ args, deps, userId, chatId, updateId, reply }) {
    let note = '';
    let settings;
    if (args.set) {
      const r = await changeSetting(settingsChangeDeps(deps), userId, args.set.kind, args.set.mode, { chatId, updateId, via: 'command' });
      settings = r.settings;
      note = r.changed ? `✅ ${KIND_LABEL[args.set.kind]}: ${args.set.mode}.\n\n` : `${KIND_LABEL[args.set.kind]} already ${args.set.mode}.\n\n`;
    } else {
      settings = await new UserSettingsRepo(deps.uow).get(userId);
    }
    const view = settingsView(settings);
    const keyboard = settingsKeyboard(settings, settingsSigner(deps));
    await reply(note ? fmt`${note}${view}` : view, { reply_markup: { inline_keyboard: keyboard } });
  },
});

/**
 * A settings button (`st`, arg `digest-silent` etc., already verified by the
 * callback dispatcher): sets the presser's own setting, answers the query,
 * and redraws the message with the new state. Any allow-listed role may use it.
 */
export async function handleSettingsCallback(deps: SettingsDeps, ctx: Context, arg: string): Promise<void> {
  const parsed = parseSettingsArg(arg);
  if (!parsed || !ctx.from) {
    await ctx.answerCbQuery('This button is not valid. Send /settings again.', { show_alert: true });
    return;
  }
  const { kind, mode } = parsed;
  const { changed, settings } = await changeSetting(settingsChangeDeps(deps), ctx.from.id, kind, mode, { chatId: ctx.chat?.id ?? null, updateId: ctx.update.update_id, via: 'button' });
  await ctx.answerCbQuery(changed ? `${KIND_LABEL[kind]}: ${mode}` : `${KIND_LABEL[kind]} already ${mode}`);
  if (!changed) return;
  // The change is saved and answered: a failed redraw must not reach bot.catch ("nothing was changed" would be false).
  try {
    await ctx.editMessageText(settingsView(settings), { reply_markup: { inline_keyboard: settingsKeyboard(settings, settingsSigner(deps)) } });
  } catch (err) {
    deps.log.warn({ err }, 'could not redraw the settings message');
  }
}
