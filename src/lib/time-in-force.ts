/**
 * How orders rest at the broker (ALPACA_ENTRY_TIF, ALPACA_DAY_CANCEL_AFTER_S):
 * immediate-or-cancel by default; DAY limits that Courtside cancels unfilled
 * after `dayCancelAfterMs` where the account refuses IOC. Entries and exits
 * follow the same setting (an account that refuses IOC refuses IOC sells too).
 */
export interface OrderTimeInForce {
  tif: 'ioc' | 'day';
  /** How long a DAY order may rest unfilled before Courtside cancels it. */
  dayCancelAfterMs: number;
}

/** The broker settings it is read from (a slice of the app's Config). */
export interface TimeInForceSource {
  kind: string;
  alpaca: { entryTif: 'ioc' | 'day'; dayCancelAfterMs: number } | null;
}

/**
 * The configured time in force, or null for the default IOC: only a broker
 * that keeps resting orders (Alpaca) takes DAY; the paper broker fills or
 * cancels at once, so it keeps IOC.
 */
export function orderTimeInForce(broker: TimeInForceSource | undefined): OrderTimeInForce | null {
  if (!broker || broker.kind === 'paper' || !broker.alpaca) return null;
  return { tif: broker.alpaca.entryTif, dayCancelAfterMs: broker.alpaca.dayCancelAfterMs };
}
