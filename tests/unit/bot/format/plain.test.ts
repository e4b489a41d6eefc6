import { bold, fmt, link } from 'telegraf/format';
import { describe, expect, it } from 'vitest';
import { toPlain } from '../../../../src/bot/format/plain.js';

describe('toPlain', () => {
  const msg = fmt`${bold('Order')} filled, see ${link('the ticket', 'https://broker.example/t/1')} or ${link('https://x.example', 'https://x.example')}`;

  it('drops entities and keeps link targets visible', () => {
    expect(toPlain(msg)).toBe('Order filled, see the ticket (https://broker.example/t/1) or https://x.example');
  });

  it('can drop links entirely', () => {
    expect(toPlain(msg, { keepLinks: false })).toBe('Order filled, see the ticket or https://x.example');
  });

  it('passes through text without entities', () => {
    expect(toPlain({ text: 'plain' })).toBe('plain');
  });
});
