import type { Context } from 'telegraf';
import { roleAllows } from '../lib/roles.js';
import { CourtsideError, DatabaseUnavailableError } from '../lib/errors.js';
import { COMMANDS_BY_NAME } from './commands/index.js';
import type { BotDeps } from './deps.js';
import { roleOf } from './middleware.js';
import { replyOf } from './outbox/replies.js';
import { MAX_COMMAND_CHARS, parseCommand } from './parse-command.js';

const HELP_HINT = 'Send /help to see what I can do.';

/** Handles every message from an allow-listed user: parse, check role, validate, audit, run. Every answer goes through the update's queued reply. */
export function handleMessage(deps: BotDeps) {
  return async (ctx: Context): Promise<void> => {
    const msg = ctx.message;
    if (!msg || !ctx.from || !ctx.chat) return;
    const text = 'text' in msg ? msg.text : undefined;
    const parsed = parseCommand(text, ctx.botInfo?.username);
    const userId = ctx.from.id;
    const role = roleOf(ctx);
    const base = { actor: userId, chatId: ctx.chat.id, updateId: ctx.update.update_id };
    const reply = replyOf(ctx);

    if (parsed.kind === 'other_bot') return;
    if (parsed.kind === 'too_long') {
      deps.metrics.commands.labels('(too_long)', 'rejected').inc();
      await reply(`That message is ${parsed.length} characters long; commands are at most ${MAX_COMMAND_CHARS}. ${HELP_HINT}`);
      return;
    }
    if (parsed.kind === 'not_command') {
      deps.metrics.commands.labels('(text)', 'rejected').inc();
      await reply(`I understand commands only (they start with /). ${HELP_HINT}`);
      return;
    }
    const def = COMMANDS_BY_NAME.get(parsed.name);
    if (!def) {
      deps.metrics.commands.labels('(unknown)', 'rejected').inc();
      await reply(`Unknown command /${parsed.name}. ${HELP_HINT}`);
      return;
    }
    if (!roleAllows(role, def.role)) {
      deps.metrics.commands.labels(def.name, 'forbidden').inc();
      await deps.audit.append({ action: 'auth.forbidden', ...base, command: def.name, role }).catch((err: unknown) => deps.log.error({ err }, 'audit failed'));
      await reply(`🚫 /${def.name} needs the ${def.role} role; you are a ${role}. Ask an admin to change your role in TELEGRAM_ALLOWED_USER_IDS.`);
      return;
    }
    const args = def.args.safeParse({ tokens: parsed.args, text: parsed.argText });
    if (!args.success) {
      deps.metrics.commands.labels(def.name, 'bad_args').inc();
      const why = args.error.issues.map((i) => i.message).join('; ');
      await reply(`Usage: ${def.usage}\n${'/' + def.name} ${why}.`);
      return;
    }
    try {
      await deps.audit.append({ action: 'command.received', ...base, command: def.name, role, args: parsed.argText.slice(0, 200) });
    } catch (err) {
      deps.log.error({ err, command: def.name }, 'audit write failed');
      if (!def.mayRunWithoutAudit) {
        deps.metrics.commands.labels(def.name, 'db_down').inc();
        await reply(new DatabaseUnavailableError(err).userMessage!);
        return;
      }
    }
    try {
      await def.run({ ctx, args: args.data, userId, role, chatId: ctx.chat.id, updateId: ctx.update.update_id, deps, reply });
      deps.metrics.commands.labels(def.name, 'ok').inc();
    } catch (err) {
      if (err instanceof CourtsideError && err.userMessage) {
        deps.metrics.commands.labels(def.name, err.name).inc();
        deps.log.warn({ err, command: def.name }, 'command refused');
        await reply(err.userMessage);
        return;
      }
      throw err;
    }
  };
}
