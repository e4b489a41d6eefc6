import { FmtString, bold, fmt, link, pre } from 'telegraf/format';
import { describe, expect, it } from 'vitest';
import { CAPTION_LIMIT, MESSAGE_LIMIT } from '../../../../src/bot/format/limits.js';
import { SplitLimitError, splitCaption, splitFormatted } from '../../../../src/bot/format/split.js';
import { expectValidSplit } from './helpers.js';

const texts = (chunks: { text: string }[]) => chunks.map((c) => c.text);

describe('splitFormatted examples', () => {
  it('returns short messages unchanged, as telegraf FmtStrings', () => {
    const msg = fmt`Hi ${bold('there')} `;
    const [only, ...more] = splitFormatted(msg, 100);
    expect(more).toEqual([]);
    expect(only).toBeInstanceOf(FmtString);
    expect(only!.text).toBe('Hi there ');
    expect(only!.entities).toEqual([{ type: 'bold', offset: 3, length: 5 }]);
  });

  it('prefers a blank line once the chunk is at least half full', () => {
    expect(texts(splitFormatted({ text: 'aaaaaaa\n\nbbbb cccc' }, 12))).toEqual(['aaaaaaa', 'bbbb cccc']);
  });

  it('then a newline, then a space; an early boundary loses to a later weaker one', () => {
    expect(texts(splitFormatted({ text: 'aaaa bbbb\ncccc dd' }, 12))).toEqual(['aaaa bbbb', 'cccc dd']);
    // The newline at 4 is under half of 12, so the space at 9 wins.
    expect(texts(splitFormatted({ text: 'aaaa\nbbbb cccc dddd' }, 12))).toEqual(['aaaa\nbbbb', 'cccc dddd']);
    expect(texts(splitFormatted({ text: 'aaaa\nbbbb cccc' }, 8))).toEqual(['aaaa', 'bbbb', 'cccc']);
  });

  it('falls back to any whitespace before a hard cut', () => {
    expect(texts(splitFormatted({ text: 'ab cdefghijklmnop' }, 10))).toEqual(['ab', 'cdefghijkl', 'mnop']);
  });

  it('hard-cuts long words, never inside an emoji', () => {
    expect(texts(splitFormatted({ text: 'abcdefghij' }, 4))).toEqual(['abcd', 'efgh', 'ij']);
    expect(texts(splitFormatted({ text: '😀😀😀' }, 3))).toEqual(['😀', '😀', '😀']);
    // Thumbs-up + skin tone is one grapheme of 4 code units: kept whole when it fits.
    expect(texts(splitFormatted({ text: 'ab👍🏽cd' }, 5))).toEqual(['ab', '👍🏽c', 'd']);
    // A grapheme longer than the limit still never splits a surrogate pair.
    expect(texts(splitFormatted({ text: '👍🏽' }, 3))).toEqual(['👍', '🏽']);
  });

  it('trims whitespace at cuts and keeps entity offsets consistent', () => {
    const msg = fmt`${bold('hello')}   \n  ${bold('world')}`;
    const chunks = splitFormatted(msg, 8);
    expect(texts(chunks)).toEqual(['hello', 'world']);
    expect(chunks.map((c) => c.entities)).toEqual([[{ type: 'bold', offset: 0, length: 5 }], [{ type: 'bold', offset: 0, length: 5 }]]);
    expectValidSplit(msg, chunks, 8);
  });

  it('splits an entity that crosses a cut into two of the same type, keeping extra fields', () => {
    const code = 'line one\nline two\nline three';
    const msg = fmt`See ${pre('ts')(code)} and ${link('the docs here', 'https://example.com/x')}`;
    const chunks = splitFormatted(msg, 10);
    expectValidSplit(msg, chunks, 10);
    const pres = chunks.flatMap((c) => c.entities.filter((e) => e.type === 'pre'));
    expect(pres.length).toBeGreaterThan(1);
    for (const p of pres) expect(p).toMatchObject({ language: 'ts' });
    const links = chunks.flatMap((c) => c.entities.filter((e) => e.type === 'text_link'));
    expect(links.length).toBeGreaterThan(1);
    for (const l of links) expect(l).toMatchObject({ url: 'https://example.com/x' });
  });

  it('drops entities that only covered trimmed whitespace', () => {
    const msg = { text: 'aaaa    bbbb', entities: [{ type: 'underline' as const, offset: 5, length: 2 }] };
    const chunks = splitFormatted(msg, 6);
    expect(texts(chunks)).toEqual(['aaaa', 'bbbb']);
    expect(chunks.every((c) => c.entities.length === 0)).toBe(true);
  });

  it('produces no chunks for nothing visible', () => {
    expect(splitFormatted({ text: '' }, 10)).toEqual([]);
    expect(splitFormatted({ text: ' \n\t ' }, 10)).toEqual([]);
    expect(texts(splitFormatted({ text: `${' '.repeat(30)}word` }, 10))).toEqual(['word']);
  });

  it('uses Telegram limits by default and handles a long report', () => {
    const para = `${'x'.repeat(70)} ${'y'.repeat(70)}\n`;
    const msg = { text: para.repeat(100) };
    const chunks = splitFormatted(msg);
    // 142-character lines: 28 fit in 4096, so 100 lines need 4 messages.
    expect(chunks.length).toBe(4);
    expectValidSplit(msg, chunks, MESSAGE_LIMIT);
    // Every chunk ends at a line end: the whole lines are kept together.
    for (const c of chunks) expect(c.text.trimEnd().endsWith('y'.repeat(70))).toBe(true);
    // Only the final chunk, which needed no cut, keeps the source's trailing newline.
    expect(chunks.at(-1)!.text.endsWith('\n')).toBe(true);
  });

  it('rejects unusable limits', () => {
    expect(() => splitFormatted({ text: 'abc' }, 1)).toThrow(SplitLimitError);
    expect(() => splitFormatted({ text: 'abc' }, 2.5)).toThrow(/integer ≥ 2/);
  });
});

describe('splitCaption', () => {
  it('keeps a short caption whole', () => {
    const { caption, rest } = splitCaption(fmt`${bold('SPY')} breakout`);
    expect(caption?.text).toBe('SPY breakout');
    expect(caption?.entities).toEqual([{ type: 'bold', offset: 0, length: 3 }]);
    expect(rest).toEqual([]);
  });

  it('moves the overflow into follow-up messages', () => {
    const text = `${'Reason one is long. '.repeat(60)}\n\n${'Detail. '.repeat(700)}`;
    const msg = { text, entities: [{ type: 'italic' as const, offset: 0, length: text.length }] };
    const { caption, rest } = splitCaption(msg);
    expect(caption!.text.length).toBeLessThanOrEqual(CAPTION_LIMIT);
    expect(rest.length).toBeGreaterThanOrEqual(2);
    expectValidSplit(msg, [caption!, ...rest], [CAPTION_LIMIT, ...rest.map(() => MESSAGE_LIMIT)]);
  });

  it('has no caption when nothing visible fits', () => {
    const { caption, rest } = splitCaption({ text: `${' '.repeat(20)}abc` }, 10, 100);
    expect(caption).toBeUndefined();
    expect(texts(rest)).toEqual(['abc']);
  });
});
