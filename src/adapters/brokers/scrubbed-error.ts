import { BrokerError, type BrokerErrorKind } from './errors.js';

/** What a broker's HTTP layer may add to a {@link BrokerError}; an absent or undefined field stays unset. */
export interface BrokerErrorExtra {
  status?: number | undefined;
  attempts?: number | undefined;
  reason?: string;
  hint?: string;
  clientOrderId?: string;
}

/**
 * A {@link BrokerError} whose `detail` and `reason` went through `scrub`
 * first: both may quote the broker's answer or a URL, and so a key, secret
 * or token. The hint is ours and is kept as written.
 */
export function scrubbedBrokerError(
  broker: string,
  kind: BrokerErrorKind,
  detail: string,
  extra: BrokerErrorExtra,
  scrub: (text: string) => string,
): BrokerError {
  return new BrokerError({
    broker,
    kind,
    detail: scrub(detail),
    ...(extra.reason === undefined ? {} : { reason: scrub(extra.reason) }),
    ...(extra.hint === undefined ? {} : { hint: extra.hint }),
    ...(extra.clientOrderId === undefined ? {} : { clientOrderId: extra.clientOrderId }),
    ...(extra.status === undefined ? {} : { status: extra.status }),
    ...(extra.attempts === undefined ? {} : { attempts: extra.attempts }),
  });
}
