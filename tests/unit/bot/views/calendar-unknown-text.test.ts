/**
 * The `calendar_unknown` refusal of an entry (the calendar overrides could not be read) in words:
 * what happened and what to do, in the style of the market_closed sentence; the fill message
 * does not offer "queue for the open" for it (the market may well be open; the calendar is what
 * is missing), and a stored reason reads back as itself, scrubbed before it is stored.
 */
import { describe, expect, it } from 'vitest';
import { fillConfirmation } from '../../../../src/bot/views/fill-view.js';
import { recordedReasonText } from '../../../../src/bot/views/recorded-reasons.js';
import type { ExecutionOutcome } from '../../../../src/trading/execution/execute.js';
import { parseRecordedReason, scrubReason, type RecordedReason } from '../../../../src/trading/execution/recorded-reasons.js';

// Tue Jul 8 2025 13:00 EDT.
const reason: RecordedReason = { code: 'calendar_unknown', order: 'entry', at: '2025-07-08T17:00:00.000Z', exchange: 'XNYS', detail: 'connect ECONNREFUSED' };

describe('calendar_unknown in words', () => {
  it('says what happened and what to do', () => {
    expect(recordedReasonText(reason)).toBe(
      'The NYSE calendar overrides could not be read when this order was due to go (Tue Jul 8 13:00 ET: connect ECONNREFUSED), so Courtside could not confirm the market was open (a closure added with `courtside calendar close` would go unseen): nothing was sent to the broker and nothing was booked. Check the database connection with /status; once it is back, /scan and approve a fresh pick. Exits and /close are not affected.',
    );
  });

  it('the refusal message points at the database, not at the queue for the open', () => {
    const out: Extract<ExecutionOutcome, { kind: 'refused' }> = { kind: 'refused', approvalId: 'a1', pickId: 'p1', symbol: 'XYZ', gate: 'market_closed', reason, numbers: {} };
    const text = fillConfirmation(out).text.text;
    expect(text).toContain('Not ordered: XYZ');
    expect(text).toContain(recordedReasonText(reason));
    expect(text).toMatch(/What to do next: the calendar could not be read/);
    expect(text).not.toMatch(/Queue for the open/);
  });

  it('reads back as itself and scrubs its detail', () => {
    expect(parseRecordedReason(JSON.parse(JSON.stringify(reason)))).toEqual(reason);
    expect(scrubReason({ ...reason, detail: 'password=hunter2 refused' }, (s) => s.replace('hunter2', '[redacted]'))).toEqual({ ...reason, detail: 'password=[redacted] refused' });
  });
});
