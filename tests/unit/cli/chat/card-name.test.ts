import { describe, expect, it } from 'vitest';
import { buttonLine } from '../../../../src/cli/chat/card-name.js';

/** A card whose caption starts with its symbol in bold, as pick cards do. */
const card = (symbol: string) => ({ message_id: 1, caption: `${symbol} · Donchian breakout`, caption_entities: [{ type: 'bold', offset: 0, length: symbol.length }] }) as never;

describe('numbered button lines name their card', () => {
  it('a one-letter ticker is named even though its letter is inside the label', () => {
    expect(buttonLine({ number: 7, text: '✖ Reject' }, card('T'))).toBe('[7] ✖ Reject T');
    expect(buttonLine({ number: 8, text: '✅ Approve' }, card('A'))).toBe('[8] ✅ Approve A');
  });

  it('a label that already says what it is about is left alone', () => {
    expect(buttonLine({ number: 3, text: '✅ Confirm: sell 15 TOL' }, card('TOL'))).toBe('[3] ✅ Confirm: sell 15 TOL');
    expect(buttonLine({ number: 4, text: '✖ Reject' }, card('BRK.B'))).toBe('[4] ✖ Reject BRK.B');
  });
});
