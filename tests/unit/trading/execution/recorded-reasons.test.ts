import { describe, expect, it } from 'vitest';
import { bookedReason, brokerWords, parseRecordedReason, reasonParam, scrubReason, storedReason, type RecordedReason } from '../../../../src/trading/execution/recorded-reasons.js';

/** What a reason looks like after a trip through a jsonb column. */
const roundTrip = (r: RecordedReason): unknown => JSON.parse(reasonParam(r)!);

describe('parseRecordedReason', () => {
  it.each<RecordedReason>([
    { code: 'expired', expiresAt: '2025-01-10T19:20:00.000Z' },
    { code: 'kill_switch', order: 'exit', killReason: null },
    { code: 'budget_used_up', dailyBudget: 1000 },
    { code: 'gate', gate: 'policy', limit: 'per_order_budget', numbers: { qty: 8, price: 10.01, notional: 80.08, perOrderBudget: 75, maxQty: 7 } },
    { code: 'account_unreadable', error: 'x' },
    { code: 'not_placed', error: 'x' },
    { code: 'ioc_ended', status: 'expired' },
    { code: 'broker_rejected', broker: 'paper', brokerReason: null },
    { code: 'stale_exit', day: '2025-07-07' },
    { code: 'gave_up', tries: 3, error: 'x' },
    { code: 'lost_after_crash', symbol: 'AAA', attemptedAt: '2025-07-07T14:31:02.000Z', markedBy: null },
    { code: 'lost_after_crash', symbol: 'AAA', attemptedAt: '2025-07-07T14:31:02.000Z', markedBy: '42' },
    { code: 'recorded', recorded: 'old words' },
  ])('reads back what was stored: $code', (r) => {
    expect(parseRecordedReason(roundTrip(r))).toEqual(r);
  });

  it('a figure that was not a finite number (stored as JSON null) reads back as NaN', () => {
    const r: RecordedReason = { code: 'gate', gate: 'policy', limit: 'price', numbers: { price: Number.NaN } };
    expect(reasonParam(r)).toBe('{"code":"gate","gate":"policy","limit":"price","numbers":{"price":null}}');
    const back = parseRecordedReason(roundTrip(r));
    expect(back.code === 'gate' && Number.isNaN(back.numbers['price'])).toBe(true);
  });

  it('a code from a newer release, or figures that do not fit their code, is kept whole as its JSON under `recorded`', () => {
    expect(parseRecordedReason({ code: 'margin_call', shortfall: 12 })).toEqual({ code: 'recorded', recorded: '{"code":"margin_call","shortfall":12}' });
    expect(parseRecordedReason({ code: 'gave_up', tries: '3', error: 'x' })).toEqual({ code: 'recorded', recorded: '{"code":"gave_up","tries":"3","error":"x"}' });
    expect(parseRecordedReason({ code: 'kill_switch', order: 'flatten', killReason: null })).toMatchObject({ code: 'recorded' });
    expect(parseRecordedReason('plain text')).toEqual({ code: 'recorded', recorded: 'plain text' });
    expect(parseRecordedReason(42)).toEqual({ code: 'recorded', recorded: '42' });
    expect(parseRecordedReason({ code: 'toString' })).toEqual({ code: 'recorded', recorded: '{"code":"toString"}' });
  });

  it('storedReason: SQL NULL stays null', () => {
    expect(storedReason(null)).toBeNull();
    expect(storedReason(undefined)).toBeNull();
    expect(storedReason({ code: 'ioc_ended', status: 'canceled' })).toEqual({ code: 'ioc_ended', status: 'canceled' });
  });
});

describe('scrubReason, brokerWords, reasonParam', () => {
  const redact = (s: string) => s.replaceAll('SECRET', '[REDACTED]');

  it('passes every figure that can carry outside text through the scrubber, and nothing else', () => {
    expect(scrubReason({ code: 'gave_up', tries: 2, error: 'GET /botSECRET failed' }, redact)).toEqual({ code: 'gave_up', tries: 2, error: 'GET /bot[REDACTED] failed' });
    expect(scrubReason({ code: 'not_placed', error: 'key SECRET' }, redact)).toEqual({ code: 'not_placed', error: 'key [REDACTED]' });
    expect(scrubReason({ code: 'account_unreadable', error: 'SECRET' }, redact)).toEqual({ code: 'account_unreadable', error: '[REDACTED]' });
    expect(scrubReason({ code: 'broker_rejected', broker: 'paper', brokerReason: 'SECRET' }, redact)).toEqual({ code: 'broker_rejected', broker: 'paper', brokerReason: '[REDACTED]' });
    expect(scrubReason({ code: 'broker_rejected', broker: 'paper', brokerReason: null }, redact)).toEqual({ code: 'broker_rejected', broker: 'paper', brokerReason: null });
    expect(scrubReason({ code: 'kill_switch', order: 'entry', killReason: 'SECRET' }, redact)).toEqual({ code: 'kill_switch', order: 'entry', killReason: '[REDACTED]' });
    const gate: RecordedReason = { code: 'gate', gate: 'policy', limit: 'qty', numbers: { qty: 0 } };
    expect(scrubReason(gate, redact)).toBe(gate);
  });

  it('the order row keeps only the broker’s own words next to the record', () => {
    expect(brokerWords({ code: 'broker_rejected', broker: 'paper', brokerReason: 'insufficient buying power' })).toBe('insufficient buying power');
    expect(brokerWords({ code: 'broker_rejected', broker: 'paper', brokerReason: null })).toBeNull();
    expect(brokerWords({ code: 'kill_switch', order: 'entry', killReason: 'drill' })).toBeNull();
    expect(brokerWords(null)).toBeNull();
  });

  it('no reason is SQL NULL, not a JSON null', () => {
    expect(reasonParam(null)).toBeNull();
    expect(reasonParam({ code: 'stale_exit', day: '2025-07-07' })).toBe('{"code":"stale_exit","day":"2025-07-07"}');
  });
});

describe('bookedReason', () => {
  const rejected: RecordedReason & { code: 'broker_rejected' } = { code: 'broker_rejected', broker: 'alpaca-paper', brokerReason: 'qty must be > 0' };

  it('records who ended an order that ended canceled or expired short of its qty, nothing or part filled', () => {
    expect(bookedReason({ status: 'canceled', filledQty: 0, endedBy: 'kill', rejectReason: null }, 10)).toEqual({ code: 'ioc_ended', status: 'canceled', endedBy: 'kill' });
    expect(bookedReason({ status: 'canceled', filledQty: 4, endedBy: 'day_timeout', rejectReason: null }, 10)).toEqual({ code: 'ioc_ended', status: 'canceled', endedBy: 'day_timeout' });
    expect(bookedReason({ status: 'expired', filledQty: 0, endedBy: 'expired', rejectReason: null }, 10)).toEqual({ code: 'ioc_ended', status: 'expired', endedBy: 'expired' });
    expect(bookedReason({ status: 'canceled', filledQty: 0, rejectReason: null }, 10)).toEqual({ code: 'ioc_ended', status: 'canceled' });
  });

  it('keeps the broker’s refusal as it was, and records nothing for a full fill', () => {
    expect(bookedReason({ status: 'rejected', filledQty: 0, rejectReason: rejected }, 10)).toBe(rejected);
    expect(bookedReason({ status: 'filled', filledQty: 10, rejectReason: null }, 10)).toBeNull();
    expect(bookedReason({ status: 'canceled', filledQty: 10, endedBy: 'ioc', rejectReason: null }, 10)).toBeNull();
  });
});
