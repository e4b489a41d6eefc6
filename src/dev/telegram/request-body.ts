import type { IncomingMessage } from 'node:http';
import { BotApiError } from './errors.js';
import { parseMultipart, type MultipartLimits, DEFAULT_MULTIPART_LIMITS } from './multipart.js';
import { Params, type UploadedFile } from './params.js';

/** Largest non-multipart body accepted; Bot API calls without files are small. */
const MAX_SIMPLE_BODY_BYTES = 10 * 1024 * 1024;

/** Reads a whole body into memory, failing with 413 past `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes = MAX_SIMPLE_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      else if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () =>
      tooLarge ? reject(new BotApiError(413, 'Request Entity Too Large')) : resolve(Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}

/**
 * Builds the arguments of a Bot API call from the query string and the body, in any of the
 * transports the real API accepts: query string, application/json,
 * application/x-www-form-urlencoded and multipart/form-data. Body values win over query values.
 */
export async function readParams(
  req: IncomingMessage,
  query: URLSearchParams,
  limits: MultipartLimits = DEFAULT_MULTIPART_LIMITS,
): Promise<Params> {
  const values: Record<string, unknown> = {};
  for (const [k, v] of query) values[k] = v;
  let files = new Map<string, UploadedFile>();

  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (contentType.startsWith('multipart/form-data')) {
    const body = await parseMultipart(req, limits);
    Object.assign(values, body.fields);
    files = body.files;
  } else if (req.method === 'GET' || req.method === 'HEAD') {
    req.resume();
  } else {
    const body = await readBody(req);
    if (body.length > 0) {
      if (contentType.startsWith('application/json')) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch {
          throw new BotApiError(400, "Bad Request: can't parse JSON request body");
        }
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
          Object.assign(values, parsed as Record<string, unknown>);
        }
      } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
        for (const [k, v] of new URLSearchParams(body.toString('utf8'))) values[k] = v;
      }
      // Other content types carry no arguments for the real API either; they are ignored.
    }
  }
  return new Params(values, files);
}
