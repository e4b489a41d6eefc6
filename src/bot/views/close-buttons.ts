import { CALLBACK_ACTIONS, signCallback } from '../callback-data.js';
import type { Keyboard } from '../format/message.js';
import { positionRef, positionVersion } from '../../trading/execution/close-position.js';
import type { OpenPosition } from '../../trading/portfolio/types.js';

/**
 * The close buttons' signed data. One action (`cp`), its arg an op letter and an id:
 * - `o<position ref><version>`: "Close SYM" on a /positions row (trader): asks the bound confirm;
 * - `y<token>`: "✅ Confirm: sell" (trader; token bound to the position and the kill epoch);
 * - `k<token>`: "🧯 Sell under kill" (admin; token bound to the position and the kill epoch);
 * - `q<token>`: "⏰ Queue sell for the open" (trader, market closed; token bound to the position and the kill epoch);
 * - `u<token>`: "⏰ Queue sell under kill for the open" (admin; the queued sale is bound to the kill epoch);
 * - `n<token>`: the "✖ Cancel" of any of them (spends the token: nothing is sold or queued).
 */
export function closeButton(key: Buffer, op: 'o' | 'y' | 'k' | 'q' | 'u' | 'n', id: string, expiresAtMs: number): string {
  return signCallback(key, CALLBACK_ACTIONS.closeOp, `${op}${id}`, expiresAtMs);
}

/** How long a /positions Close button stays valid: a list older than this is better read again. */
export const POSITIONS_BUTTON_TTL_MS = 60 * 60_000;

/** Telegram shows at most 100 buttons; a list this long is read, not tapped. */
const MAX_ROWS = 40;

/**
 * A "Close SYM" button per /positions row, bound to the row as shown (its
 * version): pressed after the position changed, it is refused.
 */
export function positionsCloseKeyboard(key: Buffer, positions: readonly OpenPosition[], nowMs: number): Keyboard {
  const until = nowMs + POSITIONS_BUTTON_TTL_MS;
  return positions.slice(0, MAX_ROWS).map((p) => [{ text: `Close ${p.symbol}`, callback_data: closeButton(key, 'o', `${positionRef(p)}${positionVersion(p)}`, until) }]);
}
