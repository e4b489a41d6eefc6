import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readRequestText, requestHeader } from '../../../src/lib/http-request.js';

/** A stand-in request: a readable body plus headers, as node hands them to a handler. */
function request(chunks: string[], headers: IncomingMessage['headers'] = {}): IncomingMessage {
  const body = Readable.from(chunks.map((c) => Buffer.from(c, 'utf8')));
  return Object.assign(body, { headers }) as unknown as IncomingMessage;
}

describe('requestHeader', () => {
  it('returns a single non-empty value', () => {
    expect(requestHeader(request([], { tr_id: 'TTTC0012U' }), 'tr_id')).toBe('TTTC0012U');
  });

  it('treats an absent, empty or repeated header as missing', () => {
    const req = request([], { empty: '', repeated: ['a', 'b'] });
    expect(requestHeader(req, 'absent')).toBeUndefined();
    expect(requestHeader(req, 'empty')).toBeUndefined();
    expect(requestHeader(req, 'repeated')).toBeUndefined();
  });
});

describe('readRequestText', () => {
  it('joins the chunks as UTF-8, also when a character is split between chunks', async () => {
    const won = Buffer.from('₩', 'utf8');
    const body = Readable.from([Buffer.from('{"a":"'), won.subarray(0, 1), won.subarray(1), Buffer.from('"}')]);
    const req = Object.assign(body, { headers: {} }) as unknown as IncomingMessage;
    expect(await readRequestText(req)).toBe('{"a":"₩"}');
  });

  it('reads a body of exactly the limit', async () => {
    expect(await readRequestText(request(['x'.repeat(6), 'y'.repeat(4)]), 10)).toBe('xxxxxxyyyy');
  });

  it('rejects past the limit, naming it, and destroys the request', async () => {
    const req = request(['x'.repeat(6), 'y'.repeat(5)]);
    await expect(readRequestText(req, 10)).rejects.toThrow(/over 10 bytes/);
    expect(req.destroyed).toBe(true);
  });

  it('defaults to 64 KiB', async () => {
    await expect(readRequestText(request(['x'.repeat(65_536)]))).resolves.toHaveLength(65_536);
    await expect(readRequestText(request(['x'.repeat(65_537)]))).rejects.toThrow(/over 65536 bytes/);
  });
});
