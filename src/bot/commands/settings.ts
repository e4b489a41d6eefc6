import type { Context } from 'telegraf';
import { fmt } from 'telegraf/format';
import { z } from 'zod';
import { CALLBACK_ACTIONS, signCallback, type CallbackAction } from '../callback-data.js';
import type { BotDeps } from '../deps.js';
import type { SqlSession } from '../../adapters/db/port.js';
import type { Market } from '../../engine/market/markets.js';
import { changeDigestMarket, changeQuiet, changeSetting, type ChangeSettingResult } from '../../trading/settings/change.js';
import { minutesInZone, quietText } from '../../trading/settings/quiet.js';
import { UserSettingsRepo } from '../../trading/settings/repo.js';
import { clockMinutes, knownZone, NOTIFY_KINDS, NOTIFY_MODES, notifyKindSchema, notifyModeSchema, type NotifyKind, type NotifyMode, type QuietHours } from '../../trading/settings/schema.js';
import { KIND_LABEL, parseSettingsArg, QUIET_EXAMPLE, settingsKeyboard, settingsView } from '../views/settings-view.js';
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

/**
 * What /settings was asked: nothing (show), a mode (`set`, for one market's
 * digests when `market` is given), or quiet hours (`quiet`: a window, or 'off').
 */
type SettingsArgs = { set: { kind: NotifyKind; mode: NotifyMode; market?: Market } | null; quiet?: QuietHours | 'off' };

/** Market words of /settings digest <market> <mode>. */
const MARKET_WORDS: Readonly<Record<string, Market>> = { us: 'US', kr: 'KR' };

/** Zone shorthands people type; anything else must be an IANA name. */
const ZONE_WORDS: Readonly<Record<string, string>> = { kst: 'Asia/Seoul', et: 'America/New_York', utc: 'UTC' };

const USAGE = `takes a setting (${NOTIFY_KINDS.join('|')}) and a mode (${NOTIFY_MODES.join('|')}), e.g. /settings digest silent; one market's digests, e.g. /settings digest kr off; or quiet hours, e.g. ${QUIET_EXAMPLE} or /settings quiet off`;

/** `/settings quiet …` after the word quiet: a window and its zone, or off. Each refusal says the fix. */
export function parseQuietArgs(rest: readonly string[]): { ok: true; quiet: QuietHours | 'off' } | { ok: false; message: string } {
  const text = rest.join(' ').trim();
  if (text.toLowerCase() === 'off') return { ok: true, quiet: 'off' };
  const m = /^(\S+?)\s*[-–]\s*(\S+?)(?:\s+(\S+))?$/.exec(text);
  if (!m) return { ok: false, message: `quiet hours are a window and its zone, e.g. ${QUIET_EXAMPLE}, or /settings quiet off` };
  const [, fromText, toText, zoneText] = m as unknown as [string, string, string, string | undefined];
  for (const t of [fromText, toText]) {
    if (clockMinutes(t) === null) return { ok: false, message: `"${t.slice(0, 10)}" is not a time: write HH:MM from 00:00 to 23:59, e.g. ${QUIET_EXAMPLE}` };
  }
  if (clockMinutes(fromText) === clockMinutes(toText)) return { ok: false, message: `the window starts and ends at ${fromText}: give two different times, e.g. ${QUIET_EXAMPLE}, or /settings quiet off` };
  if (zoneText === undefined) return { ok: false, message: `name the zone of those times, e.g. /settings quiet ${fromText}-${toText} Asia/Seoul (or America/New_York; KST and ET work too)` };
  const zone = knownZone(ZONE_WORDS[zoneText.toLowerCase()] ?? zoneText);
  if (zone === null) return { ok: false, message: `"${zoneText.slice(0, 40)}" is not a time zone: use a name like Asia/Seoul or America/New_York (KST and ET work too)` };
  const pad = (t: string) => t.padStart(5, '0');
  return { ok: true, quiet: { from: pad(fromText), to: pad(toText), zone } };
}

const argsSchema: z.ZodType<SettingsArgs, RawArgs> = z.object({ tokens: z.array(z.string()), text: z.string() }).transform((a, ctx): SettingsArgs => {
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  const t = a.tokens.map((x) => x.toLowerCase());
  if (t.length === 0) return { set: null };
  if (t[0] === 'quiet') {
    const q = parseQuietArgs(a.tokens.slice(1));
    return q.ok ? { set: null, quiet: q.quiet } : fail(q.message);
  }
  const kind = notifyKindSchema.safeParse(t[0]);
  if (t.length === 3 && kind.success && MARKET_WORDS[t[1]!] !== undefined) {
    if (kind.data !== 'digest') return fail(`only digests are chosen per market: e.g. /settings digest ${t[1]} ${t[2]}, or /settings ${kind.data} ${t[2]} for all`);
    const mode = notifyModeSchema.safeParse(t[2]);
    return mode.success ? { set: { kind: 'digest', mode: mode.data, market: MARKET_WORDS[t[1]!]! } } : fail(`the mode must be one of ${NOTIFY_MODES.join('|')}, e.g. /settings digest ${t[1]} silent`);
  }
  if (t.length === 2 && kind.success && MARKET_WORDS[t[1]!] !== undefined) return fail(`say the mode too: /settings ${t[0]} ${t[1]} ${NOTIFY_MODES.join('|')}`);
  const mode = notifyModeSchema.safeParse(t[1]);
  if (t.length !== 2 || !kind.success || !mode.success) return fail(USAGE);
  return { set: { kind: kind.data, mode: mode.data } };
});

/** The reply's first line for a change (or a no-op). */
function changeNote(args: SettingsArgs, r: ChangeSettingResult, now: Date): string {
  if (args.quiet !== undefined) {
    const q = r.delivery.quiet;
    if (!q) return r.changed ? '✅ Quiet hours off: every scheduled digest is sent when it is due.' : 'No quiet hours were set.';
    const m = minutesInZone(now, q.zone);
    const clock = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    return `${r.changed ? '✅ Quiet hours' : 'Quiet hours already'} ${quietText(q)} (it is ${clock} there now).`;
  }
  const set = args.set!;
  const label = set.market ? `${set.market} digests` : KIND_LABEL[set.kind];
  return r.changed ? `✅ ${label}: ${set.mode}.` : `${label} already ${set.mode}.`;
}

/**
 * /settings: shows the caller's notification settings with buttons to change
 * them; `/settings digest silent` changes one directly. Each user only ever
 * changes their own settings (the buttons carry no user id).
 */
export const settingsCommand = defineCommand({
  name: 'settings',
  summary: 'Turn digests (all or per market), fill notifications and the weekly review on, silent or off; set quiet hours',
  usage: `/settings [${NOTIFY_KINDS.join('|')} ${NOTIFY_MODES.join('|')}] | [digest us|kr ${NOTIFY_MODES.join('|')}] | [quiet HH:MM-HH:MM <zone> | quiet off]`,
  role: 'viewer',
  args: argsSchema,
  async run({ args, deps, userId, chatId, updateId, reply }) {
    const meta = { chatId, updateId, via: 'command' as const };
    let note = '';
    let r: ChangeSettingResult | null = null;
    if (args.quiet !== undefined) r = await changeQuiet(settingsChangeDeps(deps), userId, args.quiet === 'off' ? null : args.quiet, meta);
    else if (args.set?.market) r = await changeDigestMarket(settingsChangeDeps(deps), userId, args.set.market, args.set.mode, meta);
    else if (args.set) r = await changeSetting(settingsChangeDeps(deps), userId, args.set.kind, args.set.mode, meta);
    if (r) note = `${changeNote(args, r, new Date(deps.now()))}\n\n`;
    const delivery = r?.delivery ?? (await new UserSettingsRepo(deps.uow).getDelivery(userId));
    const settings = delivery.notify;
    const view = settingsView(settings, delivery);
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
  const { changed, settings, delivery } = await changeSetting(settingsChangeDeps(deps), ctx.from.id, kind, mode, { chatId: ctx.chat?.id ?? null, updateId: ctx.update.update_id, via: 'button' });
  await ctx.answerCbQuery(changed ? `${KIND_LABEL[kind]}: ${mode}` : `${KIND_LABEL[kind]} already ${mode}`);
  if (!changed) return;
  // The change is saved and answered: a failed redraw must not reach bot.catch ("nothing was changed" would be false).
  try {
    await ctx.editMessageText(settingsView(settings, delivery), { reply_markup: { inline_keyboard: settingsKeyboard(settings, settingsSigner(deps)) } });
  } catch (err) {
    deps.log.warn({ err }, 'could not redraw the settings message');
  }
}
