import { createHash } from 'node:crypto';

/**
 * A short, stable pick id from what makes a pick unique (session, symbol,
 * strategy): the same signal found by two scans gets the same id, and the id
 * fits in callback data and is easy to type after /approve.
 */
export function pickId(sessionDate: string, symbol: string, strategy: string): string {
  return 'p' + createHash('sha256').update(`${sessionDate}|${symbol}|${strategy}`).digest('base64url').replace(/[-_]/g, '').slice(0, 7).toLowerCase();
}
