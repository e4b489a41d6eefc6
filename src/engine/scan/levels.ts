import type { Signal } from '../signal.js';
import { roundToTick } from '../tick.js';

/**
 * A signal's prices on the tick. Strategies compute levels from ATRs
 * (stop = close − 2 × ATR = 97.8234…); a card that shows "Stop 97.82" must
 * size and risk the trade on 97.82, and the stop a position keeps must be a
 * price an order could carry. So every price a pick is built from — entry
 * (the close), stop and target — is rounded to the nearest tick here, before
 * it is sized, stored or shown. A level that is not a positive price has no
 * tick and is left as it is (the strategies guard their stops above zero).
 */
export function levelsOnTick<S extends Pick<Signal, 'close' | 'stop' | 'target'>>(signal: S): S {
  return { ...signal, close: onTick(signal.close), stop: onTick(signal.stop), target: signal.target === null ? null : onTick(signal.target) };
}

function onTick(price: number): number {
  return Number.isFinite(price) && price > 0 ? roundToTick(price, 'nearest') : price;
}
