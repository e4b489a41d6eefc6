import { PASS, refuse, type GateResult } from './types.js';

export interface PositionCapsInput {
  /** Symbols with an open position now. */
  openPositions: number;
  /** True when the order adds to a symbol already held (no new slot needed). */
  addsToExisting: boolean;
  /** Cost of what is already held in this symbol. Default 0. */
  existingNotional?: number;
  /** This order's notional (qty × price). */
  orderNotional: number;
  /** Account equity. */
  equity: number;
  /** Default 5. */
  maxOpenPositions?: number;
  /** Largest position (existing + this order) as a percentage of equity. Default 10 (%). */
  maxPositionPct?: number;
}

export const DEFAULT_MAX_OPEN_POSITIONS = 5;
export const DEFAULT_MAX_POSITION_PCT = 10;

/** Position caps: how many symbols at once, and how big any one may get. Pure. */
export const PositionCaps = {
  check(input: PositionCapsInput): GateResult {
    const maxOpen = input.maxOpenPositions ?? DEFAULT_MAX_OPEN_POSITIONS;
    const maxPct = input.maxPositionPct ?? DEFAULT_MAX_POSITION_PCT;
    if (!input.addsToExisting && input.openPositions >= maxOpen) {
      return refuse('position', 'max_open_positions', { openPositions: input.openPositions, maxOpenPositions: maxOpen });
    }
    const equity = Number.isFinite(input.equity) ? input.equity : 0;
    const existing = input.existingNotional ?? 0;
    const total = existing + input.orderNotional;
    if (equity <= 0) {
      return refuse('position', 'equity', { equity });
    }
    const positionPct = (total / equity) * 100;
    if (positionPct > maxPct + 1e-9) {
      return refuse('position', 'max_position_pct', {
        existingNotional: existing,
        orderNotional: input.orderNotional,
        positionNotional: total,
        equity,
        positionPct,
        maxPositionPct: maxPct,
      });
    }
    return PASS;
  },
};
