import { badRequest, Descriptions } from '../errors.js';
import type { BotCommand } from '../types.js';
import type { MethodContext, MethodHandler } from './context.js';

const COMMAND_RE = /^[a-z0-9_]{1,32}$/;
const MAX_COMMANDS = 100;

/** getMe: the configured bot. */
export const getMe: MethodHandler = ({ state }: MethodContext) => state.bot;

/** getChat: the chat object of a known chat. */
export const getChat: MethodHandler = ({ params, state }: MethodContext) => {
  const record = state.requireChat(params.string('chat_id'));
  return { ...record.chat, accent_color_id: 0, max_reaction_count: 11 };
};

/**
 * Commands are stored per (scope, language_code), like the real API, under a key built from
 * the scope's fields in a stable order.
 */
function commandsKey(ctx: MethodContext): string {
  const scope = ctx.params.json('scope', "can't parse BotCommandScope JSON object");
  const normalised =
    scope && typeof scope === 'object'
      ? Object.fromEntries(Object.entries(scope as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : { type: 'default' };
  return `${JSON.stringify(normalised)}|${ctx.params.string('language_code') ?? ''}`;
}

/** setMyCommands: validates command names (1–32 of a-z, 0-9, _) and descriptions (1–256). */
export const setMyCommands: MethodHandler = (ctx: MethodContext) => {
  const raw = ctx.params.json('commands', "can't parse commands JSON object");
  if (!Array.isArray(raw)) throw badRequest("can't parse commands JSON object");
  if (raw.length > MAX_COMMANDS) throw badRequest('too many commands specified');
  const commands: BotCommand[] = raw.map((item: unknown) => {
    const c = (item ?? {}) as Record<string, unknown>;
    if (typeof c.command !== 'string' || !COMMAND_RE.test(c.command)) throw badRequest(Descriptions.botCommandInvalid);
    if (typeof c.description !== 'string' || c.description.trim().length === 0 || c.description.length > 256) {
      throw badRequest(Descriptions.botCommandDescriptionInvalid);
    }
    return { command: c.command, description: c.description };
  });
  const key = commandsKey(ctx);
  if (commands.length === 0) ctx.state.commands.delete(key);
  else ctx.state.commands.set(key, commands);
  ctx.outbox.record({ method: 'setMyCommands', chat_id: null, commands, scope_key: key });
  return true;
};

/** getMyCommands for a scope and language. */
export const getMyCommands: MethodHandler = (ctx: MethodContext) => ctx.state.commands.get(commandsKey(ctx)) ?? [];

/** deleteMyCommands for a scope and language. */
export const deleteMyCommands: MethodHandler = (ctx: MethodContext) => {
  const key = commandsKey(ctx);
  ctx.state.commands.delete(key);
  ctx.outbox.record({ method: 'deleteMyCommands', chat_id: null, commands: [], scope_key: key });
  return true;
};

/**
 * answerCallbackQuery: each query can be answered once, within the TTL; anything else is
 * "query is too old…" exactly like the real API.
 */
export const answerCallbackQuery: MethodHandler = ({ params, state, outbox }: MethodContext) => {
  const id = params.string('callback_query_id');
  const query = state.answerCallbackQuery(id);
  const text = params.string('text');
  const url = params.string('url');
  outbox.record({
    method: 'answerCallbackQuery',
    chat_id: query.chatId,
    message_id: query.messageId,
    callback_query_id: id!,
    ...(text !== undefined ? { text } : {}),
    show_alert: params.bool('show_alert'),
    ...(url ? { url } : {}),
  });
  return true;
};
