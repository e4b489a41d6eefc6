import { bold, fmt, join, type FmtString } from 'telegraf/format';
import type { StoredPick } from '../../trading/scan/pick.js';
import { sourceShort } from './pick-sources-view.js';
import { pickMarket } from './pick-card.js';
import { won } from './kr-pick-card.js';

/** Entry and stop: a KR pick's in whole won (₩12,345 stop ₩11,895), a US one's as before. */
function levels(p: StoredPick): string {
  return pickMarket(p) === 'KR' ? `${won(p.entry)} stop ${won(p.stop)}` : `${p.entry.toFixed(2)} stop ${p.stop.toFixed(2)}`;
}

const STATE_ICON: Record<string, string> = { PENDING: '🕒', APPROVED: '✅', REJECTED: '✖', EXPIRED: '⌛', EXECUTING: '⏳', EXECUTED: '💰', FAILED: '⚠️' };

/** /picks: one short line per pick, best first, phone-width. */
export function picksView(date: string | null, picks: readonly StoredPick[], asked?: string): FmtString {
  if (!date || picks.length === 0) return fmt`No picks ${asked ? `for ${asked}` : 'yet'}. Send /scan to look for trade ideas.`;
  const demo = picks.some((p) => p.demo);
  const lines = picks.map(
    (p) => `${STATE_ICON[p.state] ?? '•'} ${p.symbol} ${sourceShort(p.strategy)} · ${levels(p)} · ${p.qty} sh · ${p.state.toLowerCase()} · ${p.id}`,
  );
  return fmt`${bold`Picks for ${date}`}${demo ? ' · DEMO' : ''} (${String(picks.length)})\n${join(lines, '\n')}\nDB = Donchian Breakout, TS = Turtle Soup, h… = a LIVE hypothesis (/hypothesis ID).`;
}
