/**
 * Reading an incoming HTTP request, for the local emulators of external APIs
 * (src/dev). Only the request object given is touched: no sockets, files or
 * clock.
 */
import type { IncomingMessage } from 'node:http';

/** Largest body the emulators accept by default: API calls they answer are small JSON. */
export const DEFAULT_MAX_BODY_BYTES = 65_536;

/** A single-valued request header (node lower-cases names), or undefined when absent, empty or repeated. */
export function requestHeader(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The whole request body as UTF-8 text. Past `maxBytes` the request is
 * destroyed and the promise rejects with "body too large", so a runaway
 * client cannot make the emulator buffer without bound.
 */
export function readRequestText(req: IncomingMessage, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        req.destroy();
        reject(new Error(`request body over ${maxBytes} bytes; send a smaller body`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
