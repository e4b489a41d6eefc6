import { describe, expect, it } from 'vitest';
import { brokerClosedApproveText, marketClosedApproveText } from '../../../../src/bot/views/queue-view.js';
import { CALLBACK_ANSWER_LIMIT, fitCallbackAnswer } from '../../../../src/bot/format/limits.js';

describe('fitCallbackAnswer', () => {
  it('keeps a text that fits as it is', () => {
    expect(fitCallbackAnswer('Approved ABC: placing the order now.')).toBe('Approved ABC: placing the order now.');
    const exact = 'x'.repeat(CALLBACK_ANSWER_LIMIT);
    expect(fitCallbackAnswer(exact)).toBe(exact);
  });

  it('cuts a longer text after its last whole sentence that fits, marked with …', () => {
    const text = `${'First sentence is here. '.repeat(8)}A last sentence that cannot fit any more at all.`;
    const fit = fitCallbackAnswer(text);
    expect(fit.length).toBeLessThanOrEqual(CALLBACK_ANSWER_LIMIT);
    expect(fit.endsWith('here. …')).toBe(true);
    expect(text.startsWith(fit.slice(0, -1))).toBe(true);
  });

  it('cuts one overlong sentence at a word, never mid-word', () => {
    const text = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const fit = fitCallbackAnswer(text);
    expect(fit.length).toBeLessThanOrEqual(CALLBACK_ANSWER_LIMIT);
    expect(fit).toMatch(/word\d+…$/);
    expect(text.split(' ')).toContain(fit.slice(0, -1).split(' ').at(-1));
  });

  it("the market-closed Approve answers fit as whole sentences (the card says the rest)", () => {
    const broker = fitCallbackAnswer(brokerClosedApproveText('alpaca-paper', '2026-12-15T09:30:00-05:00', new Date('2026-12-15T14:31:00Z')));
    expect(broker.length).toBeLessThanOrEqual(CALLBACK_ANSWER_LIMIT);
    expect(broker).toMatch(/nothing was ordered and the pick stays open\. alpaca-paper reopens Tue Dec 15 09:30 ET\. …$/);
    // A five-letter symbol still keeps the send time whole.
    const text = marketClosedApproveText('ABCDE', { date: '2026-12-14', open: Date.parse('2026-12-14T14:30:00Z'), close: Date.parse('2026-12-14T21:00:00Z'), earlyClose: false } as never);
    expect(fitCallbackAnswer(text)).toBe(text);
    expect(text).toMatch(/send it at Mon Dec 14 09:31 ET, re-priced and re-checked\.$/);
  });
});
