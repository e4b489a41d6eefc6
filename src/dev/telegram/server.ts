import http from 'node:http';
import { errorAnswer, type ApiAnswer, type BotApi } from './bot-api.js';
import { BotApiError, Descriptions } from './errors.js';
import type { FileStore } from './files.js';
import type { EmulatorLogger } from './logger.js';
import { readParams } from './request-body.js';

/** What the HTTP layer needs from the rest of the emulator. */
export interface ServerDeps {
  api: BotApi;
  files: FileStore;
  acceptsToken(token: string): boolean;
  /** Handles everything under /_emulator/. */
  control(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void>;
  logger?: EmulatorLogger;
}

const BOT_PATH = /^\/bot([^/]+)\/([^/]*)\/?$/;
const FILE_PATH = /^\/file\/bot([^/]+)\/(.+)$/;

/** Writes a JSON body with the given status. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': payload.length });
  res.end(payload);
}

function sendAnswer(res: http.ServerResponse, answer: ApiAnswer): void {
  sendJson(res, answer.status, answer.body);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The emulator's HTTP server: `/bot<token>/<method>` (the Bot API), `/file/bot<token>/<path>`
 * (file downloads) and `/_emulator/…` (the control API), on one port.
 */
export function createEmulatorServer(deps: ServerDeps): http.Server {
  const server = http.createServer((req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      deps.logger?.error({ err }, 'telegram emulator: request failed');
      sendAnswer(res, errorAnswer(new BotApiError(500, 'Internal Server Error')));
    });
  });
  // Long polls may legitimately hold a request for 50 s; do not let Node cut them short.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  return server;
}

async function handle(deps: ServerDeps, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const path = url.pathname;
  if (path === '/_emulator' || path.startsWith('/_emulator/')) return deps.control(req, res, url);

  const bot = BOT_PATH.exec(path);
  if (bot) return handleBotCall(deps, req, res, url, safeDecode(bot[1]!), safeDecode(bot[2]!));

  const file = FILE_PATH.exec(path);
  if (file) {
    req.resume();
    if (!deps.acceptsToken(safeDecode(file[1]!))) return sendAnswer(res, errorAnswer(new BotApiError(401, Descriptions.unauthorized)));
    const stored = deps.files.getByPath(safeDecode(file[2]!));
    if (!stored) return sendAnswer(res, errorAnswer(new BotApiError(404, Descriptions.notFound)));
    res.writeHead(200, { 'content-type': stored.mimeType, 'content-length': stored.data.length });
    res.end(stored.data);
    return;
  }

  req.resume();
  sendAnswer(res, errorAnswer(new BotApiError(404, Descriptions.notFound)));
}

async function handleBotCall(
  deps: ServerDeps,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  token: string,
  method: string,
): Promise<void> {
  if (!deps.acceptsToken(token)) {
    req.resume();
    return sendAnswer(res, errorAnswer(new BotApiError(401, Descriptions.unauthorized)));
  }
  if (!deps.api.has(method)) {
    req.resume();
    return sendAnswer(res, errorAnswer(new BotApiError(404, Descriptions.notFound)));
  }
  let params;
  try {
    params = await readParams(req, url.searchParams);
  } catch (err) {
    if (err instanceof BotApiError) return sendAnswer(res, errorAnswer(err));
    throw err;
  }
  const abortCallbacks: Array<() => void> = [];
  res.on('close', () => {
    // 'close' also fires after a normal response; only an unfinished one means the client left.
    if (!res.writableFinished) for (const cb of abortCallbacks) cb();
  });
  const answer = await deps.api.call(method, params, (cb) => abortCallbacks.push(cb));
  sendAnswer(res, answer);
}
