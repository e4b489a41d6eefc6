import type http from 'node:http';
import { z } from 'zod';
import type { TelegramEmulator } from './emulator.js';
import { EmulatorInputError } from './errors.js';
import { readBody } from './request-body.js';
import { sendJson } from './server.js';

/** Longest a GET /_emulator/events long poll may wait. */
const MAX_EVENTS_WAIT_MS = 60_000;

const int = z.number().int();

const messageBody = z.object({
  userId: int.positive(),
  text: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  username: z.string().optional(),
  languageCode: z.string().optional(),
  chatId: int.optional(),
  replyToMessageId: int.positive().optional(),
});

const callbackBody = z.object({
  userId: int.positive(),
  chatId: int.optional(),
  messageId: int.positive(),
  data: z.string(),
  firstName: z.string().optional(),
  username: z.string().optional(),
  allowUnknownData: z.boolean().optional(),
});

const chatBody = z.object({
  id: int,
  type: z.enum(['private', 'group', 'supergroup']).optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  username: z.string().optional(),
  languageCode: z.string().optional(),
  title: z.string().optional(),
});

const blockBody = z.object({ blocked: z.boolean().optional() });

const failBody = z.object({
  method: z.string().min(1),
  error_code: int.min(400).max(599),
  description: z.string(),
  retry_after: int.nonnegative().optional(),
  count: int.positive().optional(),
});

const delayBody = z.object({ method: z.string().min(1), ms: z.number().nonnegative(), count: int.positive().optional() });

const rateLimitBody = z
  .object({
    maxPerSecond: z.number().positive(),
    retryAfter: int.nonnegative().optional(),
    methods: z.array(z.string()).optional(),
  })
  .nullable();

const rawUpdateBody = z.record(z.string(), z.unknown());

/** A control-API failure with its HTTP status. */
class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function jsonBody<T>(req: http.IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const raw = await readBody(req);
  let parsed: unknown;
  try {
    parsed = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ControlError(400, 'body must be JSON');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    throw new ControlError(400, issues);
  }
  return result.data;
}

function optionalInt(value: string | null, name: string): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^-?\d+$/.test(value)) throw new ControlError(400, `${name} must be an integer`);
  return Number(value);
}

/**
 * JSON endpoints mirroring the in-process control API, for a terminal client or test runner in
 * another process. Bodies use the same camelCase fields as the in-process methods. Every answer
 * is `{ ok: true, result }` or `{ ok: false, error }` (400 bad input, 404 unknown route/object).
 *
 * - GET  /_emulator/health
 * - POST /_emulator/messages        SendUserMessageInput → { update_id, message_id }
 * - POST /_emulator/callbacks       PressButtonInput → { update_id, callback_query_id }
 * - POST /_emulator/updates         raw Update → { update_id }
 * - GET  /_emulator/events?chat_id=&after=&wait=&limit=  → { events, last_seq }
 * - GET  /_emulator/updates/:update_id  → { update_id, handled } (the bot is done with it)
 * - GET  /_emulator/buttons?chat_id=[&number=]  → the numbered button (404 if never shown), or all of the chat's
 * - GET  /_emulator/files/:file_id  raw bytes with the file's content-type
 * - POST /_emulator/chats           RegisterChatInput → Chat
 * - GET  /_emulator/chats/:chat_id  → { chat, blocked, messages: Message[] }
 * - POST /_emulator/chats/:chat_id/block  { blocked?: boolean }
 * - GET  /_emulator/webhook         → WebhookInfo
 * - POST /_emulator/faults/fail     { method, error_code, description, retry_after?, count? }
 * - POST /_emulator/faults/delay    { method, ms, count? }
 * - POST /_emulator/faults/rate-limit  { maxPerSecond, retryAfter?, methods? } | null
 * - POST /_emulator/reset
 */
export async function handleControlRequest(
  emulator: TelegramEmulator,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): Promise<void> {
  try {
    const result = await route(emulator, req, res, url);
    if (result !== NO_JSON) sendJson(res, 200, { ok: true, result });
  } catch (err) {
    req.resume();
    if (err instanceof ControlError) return sendJson(res, err.status, { ok: false, error: err.message });
    if (err instanceof EmulatorInputError || err instanceof RangeError) return sendJson(res, 400, { ok: false, error: err.message });
    throw err;
  }
}

/** Marker: the route wrote the response itself. */
const NO_JSON = Symbol('no-json');

async function route(emulator: TelegramEmulator, req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<unknown> {
  const method = req.method ?? 'GET';
  const parts = url.pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
  const [resource, id, action] = parts;
  const is = (m: string, r: string, n: number): boolean => method === m && resource === r && parts.length === n;

  if (is('GET', 'health', 1)) return { bot: emulator.bot, url: emulator.url, last_seq: emulator.lastSeq };
  if (is('POST', 'messages', 1)) return emulator.sendUserMessage(await jsonBody(req, messageBody));
  if (is('POST', 'callbacks', 1)) return emulator.pressButton(await jsonBody(req, callbackBody));
  if (is('POST', 'updates', 1)) return emulator.injectRawUpdate(await jsonBody(req, rawUpdateBody));
  if (is('GET', 'events', 1)) {
    const q = url.searchParams;
    const wait = optionalInt(q.get('wait'), 'wait');
    const events = await emulator.events({
      chatId: optionalInt(q.get('chat_id'), 'chat_id'),
      afterSeq: optionalInt(q.get('after'), 'after'),
      waitMs: wait === undefined ? undefined : Math.min(Math.max(wait, 0), MAX_EVENTS_WAIT_MS),
      limit: optionalInt(q.get('limit'), 'limit'),
    });
    return { events, last_seq: emulator.lastSeq };
  }
  if (is('GET', 'updates', 2)) {
    const updateId = optionalInt(id!, 'update_id')!;
    return { update_id: updateId, handled: emulator.updateHandled(updateId) };
  }
  if (is('GET', 'buttons', 1)) {
    const chatId = optionalInt(url.searchParams.get('chat_id'), 'chat_id');
    if (chatId === undefined) throw new ControlError(400, 'chat_id is required');
    const number = optionalInt(url.searchParams.get('number'), 'number');
    if (number === undefined) return emulator.numberedButtons(chatId);
    const found = emulator.numberedButton(chatId, number);
    if (!found) throw new ControlError(404, `no button [${number}] in chat ${chatId}`);
    return found;
  }
  if (is('GET', 'files', 2)) {
    const file = emulator.file(id!);
    if (!file) throw new ControlError(404, `file ${id} not found`);
    res.writeHead(200, { 'content-type': file.mimeType, 'content-length': file.data.length });
    res.end(file.data);
    return NO_JSON;
  }
  if (is('POST', 'chats', 1)) return emulator.registerChat(await jsonBody(req, chatBody));
  if (is('GET', 'chats', 2)) {
    const chatId = optionalInt(id!, 'chat_id')!;
    const chat = emulator.chatState(chatId);
    if (!chat) throw new ControlError(404, `chat ${chatId} not found`);
    return { chat: chat.chat, blocked: chat.blocked, messages: [...chat.messages.values()] };
  }
  if (is('POST', 'chats', 3) && action === 'block') {
    const body = await jsonBody(req, blockBody);
    emulator.blockChat(optionalInt(id!, 'chat_id')!, body.blocked ?? true);
    return true;
  }
  if (is('GET', 'webhook', 1)) return emulator.webhookInfo();
  if (is('POST', 'faults', 2) && id === 'fail') {
    const body = await jsonBody(req, failBody);
    emulator.failNext(body.method, body);
    return true;
  }
  if (is('POST', 'faults', 2) && id === 'delay') {
    const body = await jsonBody(req, delayBody);
    emulator.delayNext(body.method, body.ms, body.count ?? 1);
    return true;
  }
  if (is('POST', 'faults', 2) && id === 'rate-limit') {
    emulator.setGlobalRateLimit(await jsonBody(req, rateLimitBody));
    return true;
  }
  if (is('POST', 'reset', 1)) {
    req.resume();
    emulator.reset();
    return true;
  }
  throw new ControlError(404, `no control endpoint ${method} ${url.pathname}`);
}
