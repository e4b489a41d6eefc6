import { describe, expect, it } from 'vitest';
import { ALPACA_ORDER_STATUSES, mapAlpacaStatus } from '../../../../src/adapters/brokers/alpaca/status.js';
import { BrokerError, isBrokerError } from '../../../../src/adapters/brokers/errors.js';
import { isTerminal, OPEN_STATUSES, ORDER_STATUSES, validateOrderRequest, type OrderRequest, type OrderStatus } from '../../../../src/adapters/brokers/port.js';

describe('Alpaca status mapping', () => {
  // [alpaca status, filledQty, qty, normalised, terminal]
  const table: [string, number, number, OrderStatus, boolean][] = [
    ['new', 0, 10, 'new', false],
    ['new', 3, 10, 'partially_filled', false],
    ['accepted', 0, 10, 'submitted', false],
    ['pending_new', 0, 10, 'submitted', false],
    ['accepted_for_bidding', 0, 10, 'submitted', false],
    ['held', 0, 10, 'submitted', false],
    ['suspended', 0, 10, 'submitted', false],
    ['partially_filled', 4, 10, 'partially_filled', false],
    ['filled', 10, 10, 'filled', true],
    ['done_for_day', 0, 10, 'new', false],
    ['done_for_day', 6, 10, 'partially_filled', false],
    ['stopped', 0, 10, 'new', false],
    ['stopped', 2, 10, 'partially_filled', false],
    ['pending_cancel', 0, 10, 'new', false],
    ['pending_cancel', 5, 10, 'partially_filled', false],
    ['pending_replace', 0, 10, 'new', false],
    ['pending_replace', 1, 10, 'partially_filled', false],
    ['calculated', 10, 10, 'filled', true],
    ['calculated', 7, 10, 'partially_filled', false],
    ['calculated', 0, 10, 'new', false],
    ['canceled', 0, 10, 'canceled', true],
    ['canceled', 4, 10, 'canceled', true], // IOC remainder canceled after a partial fill
    ['expired', 0, 10, 'expired', true],
    ['replaced', 0, 10, 'canceled', true],
    ['rejected', 0, 10, 'rejected', true],
  ];

  it.each(table)('%s (filled %i of %i) → %s', (alpaca, filled, qty, expected, terminal) => {
    const s = mapAlpacaStatus(alpaca, filled, qty);
    expect(s).toBe(expected);
    expect(isTerminal(s!)).toBe(terminal);
  });

  it('covers every documented Alpaca status, each mapped to a normalised status', () => {
    const inTable = new Set(table.map((r) => r[0]));
    for (const s of ALPACA_ORDER_STATUSES) {
      expect(inTable.has(s), `${s} missing from the table`).toBe(true);
      expect(ORDER_STATUSES).toContain(mapAlpacaStatus(s, 0, 1));
    }
    expect(ALPACA_ORDER_STATUSES).toHaveLength(17);
  });

  it('returns undefined for a status Alpaca does not document, so the adapter can refuse to guess', () => {
    expect(mapAlpacaStatus('teleported', 0, 1)).toBeUndefined();
    expect(mapAlpacaStatus('', 0, 1)).toBeUndefined();
    expect(mapAlpacaStatus('FILLED', 1, 1)).toBeUndefined();
  });
});

describe('isTerminal / OPEN_STATUSES', () => {
  it('terminal are filled, canceled, rejected, expired; the rest are open', () => {
    expect(ORDER_STATUSES.filter(isTerminal)).toEqual(['filled', 'canceled', 'rejected', 'expired']);
    expect([...OPEN_STATUSES]).toEqual(['new', 'submitted', 'partially_filled']);
  });
});

describe('validateOrderRequest', () => {
  const ok: OrderRequest = { clientOrderId: 'appr-42-1', symbol: 'msft', side: 'buy', qty: 10, type: 'limit', limitPrice: 401.5, timeInForce: 'ioc' };

  it('accepts a good request and upper-cases the symbol', () => {
    expect(validateOrderRequest('paper', ok)).toEqual({ ...ok, symbol: 'MSFT' });
  });

  it.each([
    [{ clientOrderId: '' }, /client order id/],
    [{ clientOrderId: 'x'.repeat(49) }, /1–48/],
    [{ clientOrderId: 'has space' }, /client order id/],
    [{ symbol: 'MS/FT' }, /not a ticker/],
    [{ side: 'short' }, /side/],
    [{ qty: 0 }, /qty/],
    [{ qty: 1.5 }, /qty/],
    [{ qty: -3 }, /qty/],
    [{ type: 'market' }, /limit orders/],
    [{ limitPrice: 0 }, /limit price/],
    [{ limitPrice: Number.NaN }, /limit price/],
    [{ timeInForce: 'gtc' }, /time in force/],
  ])('refuses %o', (patch, message) => {
    const e = (() => {
      try {
        validateOrderRequest('paper', { ...ok, ...(patch as Partial<OrderRequest>) });
      } catch (x) {
        return x;
      }
      return undefined;
    })();
    expect(isBrokerError(e, 'rejected')).toBe(true);
    expect((e as BrokerError).message).toMatch(message);
    expect((e as BrokerError).message).toMatch(/^paper: order not sent: /);
    expect((e as BrokerError).reason).toMatch(message);
    expect((e as BrokerError).retryable).toBe(false);
  });
});

describe('BrokerError', () => {
  it('reads "<broker>: <detail>; <hint>" and knows what is retryable', () => {
    const e = new BrokerError({ broker: 'alpaca-paper', kind: 'unavailable', detail: 'GET /v2/account returned HTTP 503' });
    expect(e.message).toBe('alpaca-paper: GET /v2/account returned HTTP 503; try again shortly; if it persists check the broker status page');
    expect(e.retryable).toBe(true);
    expect(e.detail).toBe('GET /v2/account returned HTTP 503');
    expect(new BrokerError({ broker: 'b', kind: 'rate_limited', detail: 'd' }).retryable).toBe(true);
    for (const kind of ['rejected', 'timeout_unknown', 'auth', 'bad_response', 'not_found'] as const) {
      expect(new BrokerError({ broker: 'b', kind, detail: 'd' }).retryable).toBe(false);
    }
  });

  it('tells the caller of an unknown outcome to look the order up and never resubmit', () => {
    const e = new BrokerError({ broker: 'alpaca-live', kind: 'timeout_unknown', detail: 'POST timed out', clientOrderId: 'appr-1' });
    expect(e.message).toMatch(/look it up by its client order id/);
    expect(e.message).toMatch(/never resubmit/);
    expect(e.clientOrderId).toBe('appr-1');
  });
});
