import { describe, expect, it } from 'vitest';
import { alertDetailText, formatEt, minutes, resolveDetailText } from '../../../../src/bot/views/alert-text.js';
import { reconcileLines } from '../../../../src/bot/views/reconcile-view.js';
import { parseAlertDetail, reconcileMismatchDetail, RECONCILE_ITEMS_KEPT, type AlertDetail, type AlertDetailCode, type ResolveDetail } from '../../../../src/trading/alerts/details.js';
import type { ReconcileMismatch, ReconcileReport } from '../../../../src/trading/execution/reconcile.js';

const MIN = 60_000;
/** 2026-03-10 09:35 ET (EDT, UTC−4). */
const DUE = '2026-03-10T13:35:00.000Z';

const report = (mismatches: ReconcileMismatch[], fixed: ReconcileReport['fixed'] = []): ReconcileReport => ({ checkedAt: '2026-03-10T13:20:00.000Z', broker: 'paper', ok: mismatches.length === 0, fixed, mismatches });

/** Every alert code with details and the words admins read; the mapped type makes a new code fail to compile until it is covered here. */
const alertCases: { [C in AlertDetailCode]: [Extract<AlertDetail, { code: C }>, string][] } = {
  'heartbeat.absent': [[{ code: 'heartbeat.absent', role: 'scheduler' }, 'The scheduler role is not running: no heartbeat from it at all. Start it (courtside start --roles scheduler).']],
  'heartbeat.missed': [
    [
      { code: 'heartbeat.missed', role: 'worker', ageMs: 6 * MIN, lastBeatAt: '2026-03-10T14:00:00.000Z', host: 'host-1' },
      'The worker role has missed its heartbeat for 6 min (last beat 2026-03-10 10:00 ET from host-1). Is the process down?',
    ],
    // Long silences are told in hours.
    [
      { code: 'heartbeat.missed', role: 'worker', ageMs: 150 * MIN, lastBeatAt: '2026-03-10T14:00:00.000Z', host: 'host-1' },
      'The worker role has missed its heartbeat for 3 h (last beat 2026-03-10 10:00 ET from host-1). Is the process down?',
    ],
  ],
  'slot.missed': [
    [
      { code: 'slot.missed', slot: 'scan-0935', sessionDate: '2026-03-10', dueAt: DUE, lateMs: 11 * MIN },
      'Scheduled scan-0935 for 2026-03-10 was due at 2026-03-10 09:35 ET and has not been enqueued (11 min late). Is the scheduler running?',
    ],
  ],
  'job.failed': [
    [
      { code: 'job.failed', job: 'scan.start', jobId: 'sched-scan-0935-2026-03-10', queue: 'scans', attempts: 3, error: 'bars missing' },
      'Job scan.start (sched-scan-0935-2026-03-10) on queue scans failed after 3 attempts: bars missing',
    ],
    [{ code: 'job.failed', job: 'scan.start', jobId: null, queue: null, attempts: 1, error: 'boom' }, 'Job scan.start failed after 1 attempt: boom'],
    [{ code: 'job.failed', job: 'marks.run', jobId: null, queue: null, attempts: null, error: 'boom' }, 'Job marks.run failed: boom'],
  ],
  'broker.rejected': [
    [
      { code: 'broker.rejected', broker: 'alpaca', symbol: 'AAPL', reason: { code: 'broker_rejected', broker: 'alpaca', brokerReason: 'insufficient buying power' } },
      'alpaca rejected the AAPL order: insufficient buying power',
    ],
    [{ code: 'broker.rejected', broker: 'alpaca', symbol: 'AAPL', reason: { code: 'broker_rejected', broker: 'alpaca', brokerReason: null } }, 'alpaca rejected the AAPL order: alpaca rejected the order'],
    // While the refusal still carried text, or for an old approval: the text as recorded.
    [{ code: 'broker.rejected', broker: 'paper', symbol: 'XYZ', reason: { code: 'recorded', recorded: 'qty must be > 0' } }, 'paper rejected the XYZ order: qty must be > 0'],
  ],
  'account.blocked': [
    [
      { code: 'account.blocked', broker: 'alpaca-paper', flags: ['trading_blocked'], status: 'ACTIVE' },
      'alpaca-paper reports the account cannot trade (trading_blocked; account status ACTIVE): new entries are refused before the broker; exits and /kill still run. Clear it at the broker, then check /status.',
    ],
  ],
  'order.ambiguous': [
    [
      { code: 'order.ambiguous', broker: 'alpaca-paper', clientOrderId: 'cs-0b5e', evidence: 'sell 7 BBB limit 10, filled' },
      'alpaca-paper holds a DIFFERENT order under client order id cs-0b5e: sell 7 BBB limit 10, filled. Nothing was booked from it and nothing is sent again. Check the order at the broker, then settle ours with /stuck and /resolve.',
    ],
  ],
  'data.stale': [
    [
      { code: 'data.stale', source: 'polygon', last: '2026-11-19', sessionDate: '2026-11-20' },
      'Market data from polygon is stale: newest bar 2026-11-19, session 2026-11-20. Import or fetch fresh bars (courtside data import).',
    ],
  ],
  'reconcile.mismatch': [
    [
      reconcileMismatchDetail(report([{ kind: 'qty', symbol: 'AAPL', ours: 10, broker: 0, parts: 'donchian 10' }])),
      "Reconciliation with paper: 0 fixed, 1 mismatch.\n⚠ AAPL: our books hold 10 (donchian 10), paper holds 0. Check recent fills; orders are never placed to fix this automatically.",
    ],
  ],
  'circuit.tripped': [
    [
      {
        code: 'circuit.tripped',
        broker: 'alpaca-live',
        epoch: 7,
        trip: { kind: 'broker_rejections', limit: 3, clientOrderIds: ['cs-a', 'cs-b', 'cs-c'], lastBrokerReason: 'insufficient buying power' },
      },
      'Circuit breaker (alpaca-live): the broker rejected 3 orders in a row (cs-a, cs-b, cs-c; the last said: insufficient buying power). The kill switch is ON: no new orders go out. Check the account at the broker, then /resume.',
    ],
    [
      { code: 'circuit.tripped', broker: 'paper', epoch: null, trip: { kind: 'broker_rejections', limit: 1, clientOrderIds: ['cs-a'], lastBrokerReason: null } },
      'Circuit breaker (paper): the broker rejected 1 order in a row (cs-a; it gave no reason). The kill switch is ON: no new orders go out. Check the account at the broker, then /resume.',
    ],
    [
      {
        code: 'circuit.tripped',
        broker: 'paper',
        epoch: 3,
        trip: { kind: 'session_loss', sessionDate: '2026-03-10', currency: 'USD', realized: -120, unrealized: -400, unpriced: 0, loss: -520, equity: 10_000, equityAsOf: '2026-03-09', pct: 3, threshold: -300 },
      },
      'Circuit breaker (paper): the loss of session 2026-03-10 is -$520.00 (realized -$120.00, unrealized -$400.00), 5.20% of the equity of $10,000.00 (2026-03-09): past the 3% limit of -$300.00. The kill switch is ON: no new orders go out. Check /pnl and /positions, then /resume when you have decided.',
    ],
    // Positions without any price are left out of the unrealized figure: said so.
    [
      {
        code: 'circuit.tripped',
        broker: 'paper',
        epoch: 3,
        trip: { kind: 'session_loss', sessionDate: '2026-03-10', currency: 'USD', realized: 0, unrealized: -1_500.5, unpriced: 2, loss: -1_500.5, equity: 40_000, equityAsOf: '2026-03-10', pct: 2.5, threshold: -1_000 },
      },
      'Circuit breaker (paper): the loss of session 2026-03-10 is -$1,500.50 (realized $0.00, unrealized -$1,500.50), 3.75% of the equity of $40,000.00 (2026-03-10): past the 2.5% limit of -$1,000.00. 2 positions without a price are not counted. The kill switch is ON: no new orders go out. Check /pnl and /positions, then /resume when you have decided.',
    ],
  ],
  'delivery.failing': [
    [
      { code: 'delivery.failing', chatId: 42, since: DUE, failingMs: 11 * MIN, lastError: 'rate_limited: Too Many Requests: retry after 30' },
      "Messages to chat 42 have not gone through for 11 min (since 2026-03-10 09:35 ET); Telegram's last answer: rate_limited: Too Many Requests: retry after 30. They are retried and kept in order; check the bot token and whether the chat blocked the bot.",
    ],
  ],
  'preflight.failed': [
    [
      {
        code: 'preflight.failed',
        broker: 'alpaca-live',
        blocksEntries: true,
        at: DUE,
        by: 'startup:worker:host-1',
        failCount: 1,
        failing: [{ id: 'broker.alpaca-live.clock-skew', title: 'alpaca-live clock skew', saw: "alpaca-live's clock is +5.0 s ahead of this machine's", fix: 'turn on time sync' }],
      },
      "Preflight failed (startup:worker:host-1, 2026-03-10 09:35 ET): 1 check ✗.\n✗ alpaca-live clock skew: alpaca-live's clock is +5.0 s ahead of this machine's — fix: turn on time sync\nNew entries are blocked (BROKER=alpaca-live) until a preflight passes; exits, /close, flatten and /kill still run. After fixing, run /preflight or `courtside preflight`.",
    ],
    // Paper: told, not blocked; only the first checks are kept, the rest counted.
    [
      { code: 'preflight.failed', broker: 'alpaca-paper', blocksEntries: false, at: DUE, by: 'cli', failCount: 10, failing: [{ id: 'a', title: 'A', saw: 'down', fix: null }] },
      'Preflight failed (cli, 2026-03-10 09:35 ET): 10 checks ✗.\n✗ A: down\n… and 9 more (run /preflight or `courtside preflight` to see them all)\nEntries are not blocked on alpaca-paper, but fix it before going live. After fixing, run /preflight or `courtside preflight`.',
    ],
  ],
  recorded: [[{ code: 'recorded', recorded: 'no worker heartbeat for 5m' }, 'no worker heartbeat for 5m']],
  unknown: [
    [{ code: 'unknown', raw: { code: 'heartbeat.exploded', role: 'worker' } }, 'Unrecognised alert heartbeat.exploded (written by another version): {"code":"heartbeat.exploded","role":"worker"}'],
    [{ code: 'unknown', raw: 'just text' }, 'Unrecognised alert (written by another version): "just text"'],
    [{ code: 'unknown', raw: null }, 'Unrecognised alert (written by another version): null'],
  ],
};

const resolveCases: { [C in ResolveDetail['code']]: [Extract<ResolveDetail, { code: C }>, string][] } = {
  'job.completing': [
    [{ code: 'job.completing', job: 'scan.start', jobId: 'sched-scan-1555-2026-03-10' }, 'Job scan.start is completing again (sched-scan-1555-2026-03-10).'],
    [{ code: 'job.completing', job: 'scan.start', jobId: null }, 'Job scan.start is completing again.'],
  ],
  'heartbeat.beating': [[{ code: 'heartbeat.beating', role: 'worker', lastBeatAt: '2026-03-10T14:07:59.000Z', host: 'host-2' }, 'The worker role is beating again (last beat 2026-03-10 10:07 ET from host-2).']],
  'slot.enqueued': [[{ code: 'slot.enqueued', slot: 'scan-0935', sessionDate: '2026-03-10' }, 'Scheduled scan-0935 for 2026-03-10 was enqueued.']],
  'broker.accepting': [[{ code: 'broker.accepting', broker: 'alpaca' }, 'alpaca is accepting orders again.']],
  'data.current': [[{ code: 'data.current', source: 'polygon', last: '2026-11-20' }, 'Market data from polygon is current again (2026-11-20).']],
  'reconcile.matching': [[{ code: 'reconcile.matching', broker: 'paper' }, 'Reconciliation: our books match the broker again.']],
  'circuit.resumed': [[{ code: 'circuit.resumed', broker: 'paper' }, 'Circuit breaker (paper): the kill switch was resumed; the breaker counts afresh from here.']],
  'delivery.recovered': [[{ code: 'delivery.recovered', chatId: 42 }, 'Messages reach chat 42 again.']],
  'broker.accepted': [[{ code: 'broker.accepted', broker: 'alpaca-paper', symbol: 'FLGB' }, 'alpaca-paper took an order again (FLGB): it no longer refuses orders.']],
  'order.settled': [
    [{ code: 'order.settled', clientOrderId: 'cs-0b5e', result: 'failed', by: '1' }, 'Order cs-0b5e was settled by an admin (1): marked failed, its budget released.'],
    [{ code: 'order.settled', clientOrderId: 'cx-s-1', result: 'failed', by: '1', kind: 'exit' }, "Order cx-s-1 was settled by an admin (1): marked failed (nothing sold); the position's exits resume under a new order id."],
  ],
  'preflight.passed': [
    [{ code: 'preflight.passed', at: DUE, by: 'telegram:1', level: 'pass' }, 'A preflight passed (telegram:1, 2026-03-10 09:35 ET): new entries are allowed again.'],
    [{ code: 'preflight.passed', at: DUE, by: 'cli', level: 'warn' }, 'A preflight passed (cli, 2026-03-10 09:35 ET, with ⚠ warnings): new entries are allowed again.'],
  ],
  recorded: [[{ code: 'recorded', recorded: 'Polygon bars are fresh again' }, 'Polygon bars are fresh again']],
  unknown: [[{ code: 'unknown', raw: { code: 'broker.forgiven', broker: 'paper' } }, 'Unrecognised alert broker.forgiven (written by another version): {"code":"broker.forgiven","broker":"paper"}']],
};

describe('alertDetailText', () => {
  for (const [code, cases] of Object.entries(alertCases)) {
    it(`words ${code}`, () => {
      for (const [detail, text] of cases as [AlertDetail, string][]) expect(alertDetailText(detail)).toBe(text);
    });
  }

  it('words a stored row the same as the detail it was raised with (the jsonb round trip)', () => {
    for (const cases of Object.values(alertCases) as [AlertDetail, string][][]) {
      for (const [detail, text] of cases) {
        if (detail.code === 'unknown') continue;
        expect(alertDetailText(parseAlertDetail(JSON.parse(JSON.stringify(detail)))), detail.code).toBe(text);
      }
    }
  });

  it('a reconciliation reads as /reconcile words it; a long one keeps the true counts and says how many were left out', () => {
    const items: ReconcileMismatch[] = [
      { kind: 'missing_at_broker', symbol: 'MNO', clientOrderId: 'cs-1', orderKind: 'entry' },
      { kind: 'unknown_broker_order', symbol: 'XYZ', order: { side: 'buy', qty: 1, symbol: 'XYZ', limitPrice: 5, status: 'new', clientOrderId: 'manual-1' } },
      { kind: 'avg_cost', symbol: 'XYZ', ours: 10.2, broker: 10, diffPct: 2, tolerancePct: 1 },
      { kind: 'broker_unreadable', symbol: null, what: 'positions', error: 'connection refused' },
    ];
    const fixed: ReconcileReport['fixed'] = [{ kind: 'booked_exit', clientOrderId: 'cs-2', symbol: 'GHI', strategy: 'donchian', status: 'filled', filledQty: 4, qty: 4, avgFillPrice: 20.1 }];
    const small = report(items, fixed);
    expect(alertDetailText(reconcileMismatchDetail(small))).toBe(reconcileLines(small).join('\n'));

    const many = report(
      Array.from({ length: RECONCILE_ITEMS_KEPT + 3 }, (_, i) => ({ kind: 'qty' as const, symbol: `S${i}`, ours: i, broker: 0 })),
      Array.from({ length: RECONCILE_ITEMS_KEPT + 2 }, (_, i) => ({ ...fixed[0]!, clientOrderId: `cs-${i}` })),
    );
    const lines = alertDetailText(reconcileMismatchDetail(many)).split('\n');
    expect(lines[0]).toBe(`Reconciliation with paper: ${RECONCILE_ITEMS_KEPT + 2} fixed, ${RECONCILE_ITEMS_KEPT + 3} mismatches.`);
    expect(lines.filter((l) => l.startsWith('✔'))).toHaveLength(RECONCILE_ITEMS_KEPT);
    expect(lines.filter((l) => l.startsWith('⚠'))).toHaveLength(RECONCILE_ITEMS_KEPT);
    expect(lines.at(-1)).toBe('… and 5 more (/reconcile lists them all)');
  });

  it('a long unreadable detail is cut, so one odd row cannot flood a chat', () => {
    const text = alertDetailText({ code: 'unknown', raw: { code: 'x.y', blob: 'z'.repeat(1_000) } });
    expect(text.startsWith('Unrecognised alert x.y (written by another version): {"code":"x.y","blob":"zzz')).toBe(true);
    expect(text.endsWith('z…')).toBe(true);
    expect(text.length).toBeLessThan(400);
  });

  it('a time that does not parse is shown as stored', () => {
    expect(alertDetailText({ code: 'slot.missed', slot: 'scan-0935', sessionDate: '2026-03-10', dueAt: 'soon', lateMs: MIN })).toBe(
      'Scheduled scan-0935 for 2026-03-10 was due at soon and has not been enqueued (1 min late). Is the scheduler running?',
    );
  });
});

describe('resolveDetailText', () => {
  for (const [code, cases] of Object.entries(resolveCases)) {
    it(`words ${code}`, () => {
      for (const [detail, text] of cases as [ResolveDetail, string][]) expect(resolveDetailText(detail)).toBe(text);
    });
  }
});

describe('time helpers', () => {
  it('formatEt stamps New York time, winter and summer', () => {
    expect(formatEt(Date.parse('2026-01-15T14:30:00Z'))).toBe('2026-01-15 09:30 ET');
    expect(formatEt(Date.parse('2026-07-15T13:30:00Z'))).toBe('2026-07-15 09:30 ET');
  });

  it('minutes rounds to minutes, then hours from two hours on', () => {
    expect(minutes(29_000)).toBe('0 min');
    expect(minutes(90_000)).toBe('2 min');
    expect(minutes(119 * MIN)).toBe('119 min');
    expect(minutes(120 * MIN)).toBe('2 h');
  });
});
