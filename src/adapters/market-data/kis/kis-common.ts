import { parseSymbol, SymbolError } from '../../../engine/market/index.js';
import { isBrokerError, type BrokerErrorKind } from '../../brokers/errors.js';
import { DataProviderError, type DataProviderErrorKind } from '../errors.js';

/** The provider name of every KIS market-data error. */
export const KIS_DATA_NAME = 'kis';

/**
 * The six-digit KRX code of `symbol`, or a typed refusal before any request:
 * KIS's domestic quotations cover KRX codes only. `what` names the data in
 * the message, e.g. `KIS daily prices`.
 */
export function krxCodeOf(symbol: string, what: string): string {
  let parsed;
  try {
    parsed = parseSymbol(symbol);
  } catch (e) {
    if (e instanceof SymbolError) throw new DataProviderError({ provider: KIS_DATA_NAME, kind: 'bad_request', detail: e.message, hint: 'use a six-digit KRX code such as 069500' });
    throw e;
  }
  if (parsed.market !== 'KR') {
    throw new DataProviderError({
      provider: KIS_DATA_NAME,
      kind: 'bad_request',
      detail: `${parsed.symbol} is a US symbol, and ${what} cover KRX codes only (six digits, e.g. 069500)`,
      hint: `ask the US data provider (polygon or alpaca) for ${parsed.symbol}`,
    });
  }
  return parsed.symbol;
}

const KIND: Record<BrokerErrorKind, DataProviderErrorKind> = {
  auth: 'auth',
  rate_limited: 'rate_limited',
  unavailable: 'unavailable',
  timeout_unknown: 'unavailable',
  bad_response: 'bad_response',
  not_found: 'not_found',
  rejected: 'bad_request',
  ambiguous: 'bad_response',
};

/** A failure of the shared HTTP layer as a market-data error (same detail, already scrubbed). `what` names the data, e.g. `KIS daily prices`. */
export function toDataError(e: unknown, what: string): DataProviderError {
  if (e instanceof DataProviderError) return e;
  if (isBrokerError(e)) {
    return new DataProviderError({
      provider: KIS_DATA_NAME,
      kind: KIND[e.kind],
      detail: e.detail,
      ...(e.kind === 'auth' || e.kind === 'rate_limited' ? { hint: e.hint } : {}),
      ...(e.status === undefined ? {} : { status: e.status }),
      ...(e.attempts === undefined ? {} : { attempts: e.attempts }),
    });
  }
  return new DataProviderError({ provider: KIS_DATA_NAME, kind: 'unavailable', detail: `${what} failed: ${(e as Error)?.message ?? String(e)}` });
}
