import { describe, expect, it } from 'vitest';
import { splitFormatted } from '../../../../src/bot/format/split.js';
import { NO_ORDERS, ordersView } from '../../../../src/bot/views/orders-view.js';
import { covered, order } from './fixtures.js';

describe('ordersView', () => {
  it('says so when there are no orders', () => {
    expect(ordersView([]).text).toBe(`${NO_ORDERS} Approve a pick from /scan to place one.`);
  });

  it('two lines per order, in the given (newest-first) order, with the short id as code', () => {
    const v = ordersView([
      order({ symbol: 'EXIT', kind: 'exit', exitReason: 'time_stop', side: 'sell', avgFillPrice: 104, limitPrice: 103.9, realizedPnl: 37.5, shortId: 'cx-9f8e7d6c' }),
      order({ symbol: 'ENTRY' }),
    ]);
    expect(v.text.split('\n')).toEqual([
      '🧾 Last 2 orders (newest first)',
      '',
      '✅ SELL EXIT 10/10 @ 104.00 · filled · +$37.50',
      '   exit (time stop) · limit 103.90 · Jan 10 14:05 ET · cx-9f8e7d6c',
      '',
      '✅ BUY ENTRY 10/10 @ 100.25 · filled',
      '   entry · limit 100.50 · Jan 10 14:05 ET · cs-1a2b3c4d',
    ]);
    expect(covered(v, 'code')).toEqual(['cx-9f8e7d6c', 'cs-1a2b3c4d']);
    expect(covered(v, 'bold')).toEqual(['Last 2 orders', 'EXIT', 'ENTRY']);
  });

  it('says what each state meant for the position', () => {
    const v = ordersView([
      order({ symbol: 'PART', state: 'canceled', filledQty: 4, avgFillPrice: 10 }),
      order({ symbol: 'NONE', state: 'canceled', filledQty: 0, avgFillPrice: null }),
      order({
        symbol: 'REJ',
        state: 'rejected',
        filledQty: 0,
        avgFillPrice: null,
        rejectReason: { code: 'broker_rejected', broker: 'paper', brokerReason: 'insufficient buying power' },
        brokerReason: 'insufficient buying power',
      }),
      order({ symbol: 'KILL', state: 'rejected', filledQty: 0, avgFillPrice: null, rejectReason: { code: 'kill_switch', order: 'entry', killReason: 'drill' } }),
      order({ symbol: 'OLD', state: 'rejected', filledQty: 0, avgFillPrice: null, rejectReason: { code: 'recorded', recorded: 'stored before reasons were typed' } }),
      order({ symbol: 'WORDS', state: 'rejected', filledQty: 0, avgFillPrice: null, brokerReason: 'only the broker said why' }),
      order({ symbol: 'BARE', state: 'rejected', filledQty: 0, avgFillPrice: null }),
      order({ symbol: 'WORK', state: 'submitted', filledQty: 0, avgFillPrice: null }),
      order({ symbol: 'LOSS', kind: 'exit', exitReason: 'stop', side: 'sell', realizedPnl: -12.3 }),
    ]);
    expect(v.text).toContain('🟡 BUY PART 4/10 @ 10.00 · partly filled, rest canceled');
    expect(v.text).toContain('⚪ BUY NONE 0/10 · canceled, nothing filled');
    expect(v.text).toContain('❌ BUY REJ 0/10 · rejected: insufficient buying power\n');
    expect(v.text).toContain('❌ BUY KILL 0/10 · rejected: Kill switch is ON (drill): nothing was sent to the broker. Resume with /resume and approve a fresh pick.\n');
    expect(v.text).toContain('❌ BUY OLD 0/10 · rejected: stored before reasons were typed\n');
    expect(v.text).toContain('❌ BUY WORDS 0/10 · rejected: only the broker said why\n');
    expect(v.text).toContain('❌ BUY BARE 0/10 · rejected\n');
    expect(v.text).toContain('⏳ BUY WORK 0/10 · working');
    expect(v.text).toContain('✅ SELL LOSS 10/10 @ 100.25 · filled · -$12.30');
    expect(v.text).toContain('exit (stop)');
  });

  it('ten orders fit one message; a long reject reason is cut', () => {
    const ten = Array.from({ length: 10 }, (_, i) => order({ symbol: `S${i}`, state: 'rejected', filledQty: 0, avgFillPrice: null, rejectReason: { code: 'gave_up', tries: 5, error: 'x'.repeat(500) } }));
    const v = ordersView(ten);
    expect(splitFormatted(v)).toHaveLength(1);
    const words = `gave up after 5 tries: ${'x'.repeat(500)}`.slice(0, 120);
    expect(v.text).toContain(`rejected: ${words}\n`);
    expect(v.text).not.toContain(`${words}x`);
  });

  it('says who ended the unfilled part of an order, from the reason recorded on its row', () => {
    const ended = (endedBy: 'ioc' | 'kill' | 'day_timeout' | 'outside_courtside' | 'expired') =>
      ({ code: 'ioc_ended', status: endedBy === 'expired' ? 'expired' : 'canceled', endedBy }) as const;
    const sell = { kind: 'exit' as const, exitReason: 'stop' as const, side: 'sell' as const, realizedPnl: 0 };
    const v = ordersView([
      order({ symbol: 'XIOC', ...sell, state: 'canceled', filledQty: 0, avgFillPrice: null, rejectReason: ended('ioc') }),
      order({ symbol: 'XKILL', ...sell, state: 'canceled', filledQty: 0, avgFillPrice: null, rejectReason: ended('kill') }),
      order({ symbol: 'XDAY', ...sell, state: 'canceled', filledQty: 4, avgFillPrice: 10, realizedPnl: 1, rejectReason: ended('day_timeout') }),
      order({ symbol: 'XEXP', ...sell, state: 'expired', filledQty: 0, avgFillPrice: null, rejectReason: ended('expired') }),
      order({ symbol: 'EOUT', state: 'canceled', filledQty: 0, avgFillPrice: null, rejectReason: ended('outside_courtside') }),
    ]);
    expect(v.text).toContain('⚪ SELL XIOC 0/10 · the IOC order ended canceled with nothing filled · $0.00\n');
    expect(v.text).toContain('⚪ SELL XKILL 0/10 · cancelled by /kill (the kill switch cancelled every open order) before anything filled · $0.00\n');
    expect(v.text).toContain('🟡 SELL XDAY 4/10 @ 10.00 · partly filled, rest cancelled by Courtside: the DAY limit order was still partly unfilled after ALPACA_DAY_CANCEL_AFTER_S · +$1.00\n');
    expect(v.text).toContain('⚪ SELL XEXP 0/10 · expired at the broker (a DAY order ends at the close) with nothing filled · $0.00\n');
    expect(v.text).toContain('⚪ BUY EOUT 0/10 · cancelled at the broker outside Courtside (the broker dashboard, another app, or the broker itself) before anything filled\n');
    expect(splitFormatted(v)).toHaveLength(1);
  });
});
