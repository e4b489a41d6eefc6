import fc from 'fast-check';
import type { MessageEntity } from 'telegraf/types';
import { describe, expect, it } from 'vitest';
import { splitCaption, splitFormatted } from '../../../../src/bot/format/split.js';
import { expectValidSplit } from './helpers.js';

/** Pieces that stress the cutter: separators, surrogate pairs, multi-unit graphemes, long words. */
const token = fc.oneof(
  fc.constantFrom(' ', ' ', '\n', '\n\n', '\t', '\r\n', '  \n \n', 'a', 'word', 'é', 'é', '中文', '😀', '👍🏽', '🇺🇸', '👨‍👩‍👧', '$1,234.50', '\u00a0'),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 8, maxLength: 40 }).map((s) => s.replace(/\s/g, 'x')),
);
const text = fc.array(token, { maxLength: 60 }).map((t) => t.join(''));

function entitiesFor(len: number): fc.Arbitrary<MessageEntity[]> {
  if (len === 0) return fc.constant([]);
  const span = fc.integer({ min: 0, max: len - 1 }).chain((offset) => fc.record({ offset: fc.constant(offset), length: fc.integer({ min: 1, max: len - offset }) }));
  const entity = fc.oneof(
    fc.tuple(span, fc.constantFrom('bold', 'italic', 'underline', 'code', 'spoiler')).map(([s, type]) => ({ ...s, type }) as MessageEntity),
    fc.tuple(span, fc.constantFrom('ts', 'python', '')).map(([s, language]) => ({ ...s, type: 'pre', language }) as MessageEntity),
    fc.tuple(span, fc.webUrl()).map(([s, url]) => ({ ...s, type: 'text_link', url }) as MessageEntity),
  );
  return fc.array(entity, { maxLength: 8 });
}

const message = text.chain((t) => entitiesFor(t.length).map((entities) => ({ text: t, entities })));

describe('splitFormatted properties', () => {
  it('chunks are ≤ limit, in-order slices separated only by cut whitespace, entities preserved', () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 2, max: 80 }), (msg, limit) => {
        expectValidSplit(msg, splitFormatted(msg, limit), limit);
      }),
      { numRuns: 400 },
    );
  });

  it('text that fits is returned as one unchanged chunk', () => {
    fc.assert(
      fc.property(message.filter((m) => /[^ \t\r\n]/.test(m.text)), (msg) => {
        const chunks = splitFormatted(msg, Math.max(2, msg.text.length));
        expect(chunks).toHaveLength(1);
        expect(chunks[0]!.text).toBe(msg.text);
        expect(chunks[0]!.entities).toEqual(msg.entities);
      }),
      { numRuns: 200 },
    );
  });

  it('never loses visible text: concatenated chunks equal the source minus cut whitespace', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 2, max: 40 }), (t, limit) => {
        const visible = (s: string) => s.replace(/[ \t\r\n]/g, '');
        expect(splitFormatted({ text: t }, limit).map((c) => visible(c.text)).join('')).toBe(visible(t));
      }),
      { numRuns: 300 },
    );
  });

  it('splitCaption: caption within captionLimit, rest within textLimit, same contract overall', () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 2, max: 30 }), fc.integer({ min: 2, max: 80 }), (msg, capLimit, textLimit) => {
        const { caption, rest } = splitCaption(msg, capLimit, textLimit);
        const all = caption ? [caption, ...rest] : rest;
        // Only the first chunk (the caption, if any) uses the caption limit.
        const limits = caption ? [capLimit, ...rest.map(() => textLimit)] : rest.map(() => textLimit);
        expectValidSplit(msg, all, limits.length ? limits : [textLimit]);
      }),
      { numRuns: 300 },
    );
  });
});
