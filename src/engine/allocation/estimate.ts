import { SHRINK_TRADES } from './constants.js';
import type { KellyEstimate } from './types.js';

/**
 * p, b and f from closed trades in R multiples (inputs must be finite; the
 * sizer checks). A win is R > 0 and a loss R < 0. A scratch (R = 0) counts in
 * n and is not a win, so it lowers p; it is kept out of the mean loss, where
 * a 0 would shrink the mean loss and so raise b: both choices lean towards a
 * smaller size, never a larger one.
 */
export function estimateKelly(rMultiples: readonly number[]): KellyEstimate {
  let wins = 0;
  let losses = 0;
  let winSum = 0;
  let lossSum = 0;
  for (const r of rMultiples) {
    if (r > 0) {
      wins++;
      winSum += r;
    } else if (r < 0) {
      losses++;
      lossSum -= r;
    }
  }
  const n = rMultiples.length;
  const p = n > 0 ? wins / n : null;
  const meanWinR = wins > 0 ? winSum / wins : null;
  const meanLossR = losses > 0 ? lossSum / losses : null;
  const b = meanWinR !== null && meanLossR !== null ? meanWinR / meanLossR : null;
  const f = p !== null && b !== null ? p - (1 - p) / b : null;
  const shrink = n / (n + SHRINK_TRADES);
  const halfKellyShrunk = f !== null ? (f / 2) * shrink : null;
  return { n, wins, losses, scratches: n - wins - losses, p, meanWinR, meanLossR, b, f, shrink, halfKellyShrunk };
}
