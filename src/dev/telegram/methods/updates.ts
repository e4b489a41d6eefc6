import { badRequest, BotApiError, Descriptions } from '../errors.js';
import type { Params } from '../params.js';
import { Described, type MethodContext, type MethodHandler } from './context.js';

/** The real server caps long-poll timeouts at 50 seconds. */
const MAX_LONG_POLL_SECONDS = 50;
const SECRET_TOKEN_RE = /^[A-Za-z0-9_-]{1,256}$/;

function clamp(value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  return Math.min(max, Math.max(min, value));
}

/** allowed_updates as a list of strings; malformed values are ignored like the real API does. */
function readAllowedUpdates(params: Params): string[] | undefined {
  if (!params.has('allowed_updates')) return undefined;
  let value: unknown;
  try {
    value = params.json('allowed_updates', 'invalid allowed_updates');
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  return value.filter((v): v is string => typeof v === 'string');
}

/**
 * getUpdates: offset acknowledges earlier updates (negative offsets count from the end),
 * limit is clamped to 1–100, timeout to 0–50 s. Only one long poll may wait at a time; a newer
 * one terminates it with 409, and polling while a webhook is set is a 409 too.
 */
export const getUpdates: MethodHandler = (ctx: MethodContext) => {
  const { params, queue, webhook } = ctx;
  if (webhook.active) throw new BotApiError(409, Descriptions.webhookActiveConflict);
  const offset = params.int('offset') ?? 0;
  const limit = clamp(params.int('limit'), 100, 1, 100);
  const timeout = clamp(params.int('timeout'), 0, 0, MAX_LONG_POLL_SECONDS);
  queue.setAllowedUpdates(readAllowedUpdates(params));
  const poll = queue.longPoll(offset, limit, timeout * 1000);
  ctx.onAbort(() => poll.cancel());
  return poll.promise;
};

/**
 * setWebhook: plain http:// URLs are accepted (the real API insists on HTTPS) because the
 * receivers in tests and local mode run on loopback. An empty url removes the webhook.
 */
export const setWebhook: MethodHandler = (ctx: MethodContext) => {
  const { params, queue, webhook } = ctx;
  const url = params.string('url') ?? '';
  if (url === '') return deleteWebhook(ctx);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest(Descriptions.invalidWebhookUrl);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw badRequest(Descriptions.invalidWebhookUrl);
  const secretToken = params.string('secret_token') || undefined;
  if (secretToken !== undefined && !SECRET_TOKEN_RE.test(secretToken)) throw badRequest(Descriptions.badWebhookSecret);
  const config = { url, secretToken, maxConnections: clamp(params.int('max_connections'), 40, 1, 100) };
  queue.setAllowedUpdates(readAllowedUpdates(params));
  const drop = params.bool('drop_pending_updates');
  if (!drop && webhook.isSame(config)) return new Described(true, 'Webhook is already set');
  if (drop) {
    queue.clear();
    webhook.dropPending();
  }
  queue.abortLongPoll(Descriptions.terminatedBySetWebhook);
  webhook.set(config);
  return new Described(true, 'Webhook was set');
};

/** deleteWebhook: switches back to getUpdates, optionally dropping pending updates. */
export const deleteWebhook: MethodHandler = ({ params, queue, webhook }: MethodContext) => {
  const wasActive = webhook.active;
  if (params.bool('drop_pending_updates')) {
    webhook.dropPending();
    queue.clear();
  }
  webhook.clear();
  return new Described(true, wasActive ? 'Webhook was deleted' : 'Webhook is already deleted');
};

/** getWebhookInfo: url is "" when polling; pending_update_count counts undelivered updates. */
export const getWebhookInfo: MethodHandler = ({ webhook }: MethodContext) => webhook.info();
