import { describe, expect, it } from 'vitest';
import { endedByText, recordedReasonText, unfilledText } from '../../../../src/bot/views/recorded-reasons.js';
import type { RecordedReason, RecordedReasonCode } from '../../../../src/trading/execution/recorded-reasons.js';

/** Every code with its figures and the words the chat shows (the sentences the execution used to store). */
const CASES: [RecordedReason, string][] = [
  [
    { code: 'expired', expiresAt: '2025-01-10T19:20:00.000Z' },
    'The approval expired at 2025-01-10T19:20:00.000Z before execution started; nothing was ordered. Re-scan and approve again.',
  ],
  [
    { code: 'kill_switch', order: 'entry', killReason: 'drill' },
    'Kill switch is ON (drill): nothing was sent to the broker. Resume with /resume and approve a fresh pick.',
  ],
  [
    { code: 'kill_switch', order: 'entry', killReason: null },
    'Kill switch is ON (no reason given): nothing was sent to the broker. Resume with /resume and approve a fresh pick.',
  ],
  [{ code: 'kill_switch', order: 'exit', killReason: 'drill' }, 'kill switch is ON (drill): not sent'],
  [{ code: 'kill_switch', order: 'exit', killReason: null }, 'kill switch is ON (no reason given): not sent'],
  [{ code: 'kill_switch_changed', confirmedEpoch: 5, epoch: 6 }, 'the kill switch changed (epoch 5 → 6) after this flatten was confirmed: not sent'],
  [{ code: 'kill_switch_changed', confirmedEpoch: 5, epoch: null }, 'the kill switch changed (epoch 5 → unknown) after this flatten was confirmed: not sent'],
  [
    // Fri Dec 11 2026 16:00:02 ET, the next open Mon Dec 14 09:30 ET.
    { code: 'market_closed', order: 'entry', at: '2026-12-11T21:00:02.000Z', nextOpen: '2026-12-14T14:30:00.000Z' },
    'The market was closed when this order was due to go (Fri Dec 11 16:00 ET): an order then cannot fill at the price you approved, so nothing was sent to the broker and nothing was booked. The next session opens Mon Dec 14 09:30 ET.',
  ],
  [
    // Tue Jul 8 2025 13:00 EDT.
    { code: 'calendar_unknown', order: 'entry', at: '2025-07-08T17:00:00.000Z', exchange: 'XNYS', detail: 'connect ECONNREFUSED' },
    'The NYSE calendar overrides could not be read when this order was due to go (Tue Jul 8 13:00 ET: connect ECONNREFUSED), so Courtside could not confirm the market was open (a closure added with `courtside calendar close` would go unseen): nothing was sent to the broker and nothing was booked. Check the database connection with /status; once it is back, /scan and approve a fresh pick. Exits and /close are not affected.',
  ],
  [{ code: 'budget_used_up', dailyBudget: 1000 }, 'Order refused by PolicyGate: the daily budget of $1,000.00 was used up by another order.'],
  [
    // The numbers of the daily-budget refusal in tests/integration/trading/execution/execute.test.ts.
    { code: 'gate', gate: 'policy', limit: 'daily_budget', numbers: { spentToday: 70, notional: 70.07, total: 140.07, dailyBudget: 100, remaining: 30 } },
    'Order refused by PolicyGate: $70.00 already committed today + $70.07 for this order = $140.07, over the daily budget of $100.00 ($30.00 left).',
  ],
  [
    { code: 'gate', gate: 'drift', limit: 'max_drift', numbers: { entry: 10, live: 10.6, driftPct: 6, maxDriftPct: 3, quoteIsBid: 0 } },
    "Order refused by the drift band: the live ask $10.60 is 6% from the pick's entry $10.00, beyond the ±3% band; re-scan or re-quote before approving again.",
  ],
  [{ code: 'gate', gate: 'policy', limit: 'max_leverage', numbers: { leverage: 3 } }, 'Order refused by PolicyGate (max_leverage).'],
  [{ code: 'account_unreadable', error: 'alpaca-paper: GET /v2/account returned HTTP 200 with a body that is not JSON' }, 'could not read the account: alpaca-paper: GET /v2/account returned HTTP 200 with a body that is not JSON'],
  [{ code: 'not_placed', error: 'paper: bad key; check the broker API key' }, 'paper: bad key; check the broker API key; nothing was placed'],
  [{ code: 'ioc_ended', status: 'canceled' }, 'the IOC order ended canceled with nothing filled'],
  [{ code: 'ioc_ended', status: 'canceled', endedBy: 'ioc' }, 'the IOC order ended canceled with nothing filled'],
  [{ code: 'ioc_ended', status: 'canceled', endedBy: 'kill' }, 'cancelled by /kill (the kill switch cancelled every open order) before anything filled'],
  [
    { code: 'ioc_ended', status: 'canceled', endedBy: 'outside_session' },
    'cancelled by Courtside: the broker had queued it for the next open because the session was closed, and no order is left waiting for a price nobody approved',
  ],
  [{ code: 'ioc_ended', status: 'canceled', endedBy: 'day_timeout' }, 'cancelled by Courtside: the DAY limit order was still unfilled after ALPACA_DAY_CANCEL_AFTER_S'],
  [
    { code: 'ioc_ended', status: 'canceled', endedBy: 'outside_courtside' },
    'cancelled at the broker outside Courtside (the broker dashboard, another app, or the broker itself) before anything filled',
  ],
  [{ code: 'ioc_ended', status: 'expired', endedBy: 'expired' }, 'expired at the broker (a DAY order ends at the close) with nothing filled'],
  [
    { code: 'account_blocked', broker: 'alpaca-paper', flags: ['trading_blocked'], status: 'ACTIVE' },
    'alpaca-paper reports the account cannot trade now (trading_blocked; account status ACTIVE): the broker would refuse the order, so nothing was sent. Clear it in the Alpaca dashboard (Account → trading settings, or ask Alpaca support for a block), then check /status and approve a fresh pick.',
  ],
  [
    { code: 'market_closed', order: 'entry', at: '2026-12-07T15:00:00.000Z', nextOpen: '2026-12-08T14:30:00.000Z', byBroker: 'alpaca-paper' },
    "Our calendar said the market was open, but alpaca-paper's own clock said closed at Mon Dec 7 10:00 ET (an unscheduled closure or a halt day): nothing was sent to the broker and nothing was booked. alpaca-paper says the next session opens Tue Dec 8 09:30 ET.",
  ],
  [{ code: 'broker_rejected', broker: 'paper', brokerReason: 'insufficient buying power' }, 'insufficient buying power'],
  [{ code: 'broker_rejected', broker: 'alpaca-paper', brokerReason: null }, 'alpaca-paper rejected the order'],
  [{ code: 'stale_exit', day: '2025-07-07' }, "never sent on 2025-07-07 (the run stopped before submission); today's run decides afresh"],
  [{ code: 'gave_up', tries: 5, error: 'Redis went away' }, 'gave up after 5 tries: Redis went away'],
  [
    { code: 'lost_after_crash', symbol: 'AAPL', attemptedAt: '2025-07-07T14:31:02.000Z', markedBy: null },
    'the worker stopped (crash) right after sending the AAPL order began at 2025-07-07T14:31:02.000Z and the broker has no such order: nothing was bought; the budget is released',
  ],
  [
    { code: 'lost_after_crash', symbol: 'AAPL', attemptedAt: '2025-07-07T14:31:02.000Z', markedBy: '42' },
    'marked failed by admin 42 after checking the broker (no order of ours under its id; sending the AAPL order began at 2025-07-07T14:31:02.000Z): nothing was booked from it; the budget is released',
  ],
  [
    { code: 'lost_after_crash', symbol: 'AAPL', attemptedAt: '2025-07-07T14:31:02.000Z', markedBy: '42', order: 'exit' },
    'marked failed by admin 42 after checking the broker (no order of ours under its id; sending the AAPL sell began at 2025-07-07T14:31:02.000Z): nothing was booked from it; the position keeps its shares and its exits resume under a new order id',
  ],
  [
    { code: 'lost_after_crash', symbol: 'AAPL', attemptedAt: '2025-07-07T14:31:02.000Z', markedBy: null, order: 'exit' },
    'the worker stopped (crash) right after sending the AAPL sell began at 2025-07-07T14:31:02.000Z and the broker has no such order: nothing was sold; the next exit run decides afresh',
  ],
  [{ code: 'recorded', recorded: 'Order refused by PolicyGate: as it was stored in 2025.' }, 'Order refused by PolicyGate: as it was stored in 2025.'],
];

describe('recordedReasonText', () => {
  it.each(CASES)('%o', (reason, words) => {
    expect(recordedReasonText(reason)).toBe(words);
  });

  it('has words for every code', () => {
    const all: Record<RecordedReasonCode, true> = {
      expired: true,
      kill_switch: true,
      kill_switch_changed: true,
      market_closed: true,
      calendar_unknown: true,
      budget_used_up: true,
      gate: true,
      account_unreadable: true,
      not_placed: true,
      account_blocked: true,
      ioc_ended: true,
      broker_rejected: true,
      stale_exit: true,
      gave_up: true,
      lost_after_crash: true,
      recorded: true,
    };
    expect([...new Set(CASES.map(([r]) => r.code))].sort()).toEqual(Object.keys(all).sort());
  });
});

describe('endedByText for the unfilled rest of a partial fill', () => {
  it.each<[Parameters<typeof endedByText>[0], string, string]>([
    ['ioc', 'canceled', 'the IOC order ended canceled with the rest unfilled'],
    ['kill', 'canceled', 'cancelled by /kill (the kill switch cancelled every open order) before the rest filled'],
    ['day_timeout', 'canceled', 'cancelled by Courtside: the DAY limit order was still partly unfilled after ALPACA_DAY_CANCEL_AFTER_S'],
    ['outside_courtside', 'canceled', 'cancelled at the broker outside Courtside (the broker dashboard, another app, or the broker itself) before the rest filled'],
    ['expired', 'expired', 'expired at the broker (a DAY order ends at the close) with the rest unfilled'],
  ])('%s', (by, status, words) => {
    expect(endedByText(by, status, 'rest')).toBe(words);
  });

  it('unfilledText reads the recorded reason: all or the rest; nothing without one, or once all filled', () => {
    const r = { code: 'ioc_ended', status: 'canceled', endedBy: 'kill' } as const;
    expect(unfilledText({ qty: 10, filledQty: 0, rejectReason: r })).toBe(endedByText('kill', 'canceled'));
    expect(unfilledText({ qty: 10, filledQty: 3, rejectReason: r })).toBe(endedByText('kill', 'canceled', 'rest'));
    expect(unfilledText({ qty: 10, filledQty: 10, rejectReason: r })).toBeNull();
    expect(unfilledText({ qty: 10, filledQty: 0, rejectReason: null })).toBeNull();
    expect(unfilledText({ qty: 10, filledQty: 0, rejectReason: { code: 'ioc_ended', status: 'canceled' } })).toBe('the IOC order ended canceled with nothing filled');
  });
});
