/** Checks for the splitFormatted contract, shared by the property and example tests. */
import { expect } from 'vitest';
import type { MessageEntity } from 'telegraf/types';
import type { FormattedChunk, FormattedText } from '../../../../src/bot/format/split.js';

const CUT_WS = /^[ \t\r\n]*$/;

/** Source offset of each chunk; fails unless chunks are in-order slices separated only by cut whitespace. */
export function locateChunks(source: string, chunks: readonly { text: string }[]): number[] {
  const starts: number[] = [];
  let pos = 0;
  for (const [k, chunk] of chunks.entries()) {
    let s = pos;
    // Smallest s whose gap is whitespace and where the chunk matches; unique because
    // a chunk after a cut starts with a visible character.
    while (s <= source.length && !source.startsWith(chunk.text, s)) {
      if (!CUT_WS.test(source[s] ?? 'x')) throw new Error(`chunk ${k} not found after offset ${pos} behind whitespace`);
      s++;
    }
    if (s > source.length) throw new Error(`chunk ${k} not found`);
    starts.push(s);
    pos = s + chunk.text.length;
  }
  expect(CUT_WS.test(source.slice(pos)), 'only whitespace may follow the last chunk').toBe(true);
  return starts;
}

/** Entity identity without position: type plus its extra fields. */
function identity(e: MessageEntity): string {
  const { offset: _o, length: _l, ...rest } = e;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

function coveringAt(entities: readonly MessageEntity[] | undefined, p: number): string[] {
  return (entities ?? [])
    .filter((e) => e.offset <= p && p < e.offset + e.length)
    .map(identity)
    .sort();
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** Asserts the whole contract documented in src/bot/format/split.ts. */
export function expectValidSplit(msg: FormattedText, chunks: readonly FormattedChunk[], limit: number | readonly number[]): void {
  const src = msg.text;
  const starts = locateChunks(src, chunks);
  chunks.forEach((chunk, k) => {
    const max = typeof limit === 'number' ? limit : (limit[k] ?? limit[limit.length - 1]!);
    expect(chunk.text.length).toBeGreaterThan(0);
    expect(chunk.text.length).toBeLessThanOrEqual(max);
    expect(/[^ \t\r\n]/.test(chunk.text), 'no whitespace-only chunks').toBe(true);
    const s = starts[k]!;
    const e = s + chunk.text.length;
    // Whitespace is trimmed on both sides of every cut; only the message's own ends keep theirs.
    if (s > 0) expect(chunk.text, 'leading whitespace after a cut').toMatch(/^[^ \t\r\n]/);
    if (e < src.length) expect(chunk.text, 'trailing whitespace before a cut').toMatch(/[^ \t\r\n]$/);
    for (const at of [s, e]) {
      expect(isHigh(src.charCodeAt(at - 1)) && isLow(src.charCodeAt(at)), `cut inside a surrogate pair at ${at}`).toBe(false);
    }
    for (const ent of chunk.entities) {
      expect(ent.offset).toBeGreaterThanOrEqual(0);
      expect(ent.length).toBeGreaterThan(0);
      expect(ent.offset + ent.length).toBeLessThanOrEqual(chunk.text.length);
    }
    for (let p = s; p < e; p++) {
      expect(coveringAt(chunk.entities, p - s), `entities at source offset ${p}`).toEqual(coveringAt(msg.entities, p));
    }
  });
}
