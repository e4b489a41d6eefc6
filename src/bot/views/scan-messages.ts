import { bold, fmt, type FmtString } from 'telegraf/format';
import type { ScanFinishedNotice, ScanProgressNotice, ScanStartedNotice } from '../../trading/scan/notices.js';
import { sourceShort } from './pick-sources-view.js';

/** The ack once the scan knows its universe: "⏳ Scanning 900 symbols as of 2026-03-02… 0/900". */
export function scanStartedText(n: Omit<ScanStartedNotice, 'kind' | 'messageId'>): string {
  return `⏳ Scanning ${n.symbols} ${symbolsOf(n)} as of ${n.asOf}${n.demo ? ' (DEMO data)' : ''}… 0/${n.symbols}`;
}

/** The ack while chunks finish. */
export function scanProgressText(n: Omit<ScanProgressNotice, 'kind' | 'messageId'>): string {
  return `⏳ Scanning ${n.total} ${symbolsOf(n)} as of ${n.asOf}… ${n.done}/${n.total}`;
}

/** The ack once the scan is over: what was evaluated, the signals per strategy, and what comes below. */
export function scanDoneText(n: Omit<ScanFinishedNotice, 'kind' | 'messageId'>): FmtString {
  const byStrategy = n.byStrategy.map((s) => `${s.strategy}: ${s.signals}`).join(', ');
  return fmt`✅ ${bold`Scan done`} — ${String(n.evaluated)} ${symbolsOf(n)} as of ${n.asOf}${n.demo ? ' · DEMO data' : ''}\nSignals: ${String(n.signals)} (${byStrategy})${n.skipped ? `; ${n.skipped} symbols skipped (stale, short history or sessions missing: /journal SYMBOL says why)` : ''}\n${topLine(n.shown, n.held ?? 0)}`;
}

/** "symbols", or "KR symbols" for a KR scan: two scans of one /scan each say which market they are. */
function symbolsOf(n: { market?: string }): string {
  return n.market === 'KR' ? 'KR symbols' : 'symbols';
}

/** What comes below the summary: new cards, and the top picks already shown or decided (listed once, without buttons). */
function topLine(shown: number, held: number): string {
  if (shown === 0 && held === 0) return 'No trade ideas today.';
  if (held === 0) return `Top ${shown} below. /picks lists all.`;
  const already = `${held} already shown or decided (listed below, no new card)`;
  return shown === 0 ? `No new picks: ${already}. /picks lists all.` : `${shown} new below; ${already}. /picks lists all.`;
}

/** The message a scheduled scan posts first (then edits with its progress); `slot` e.g. `scan-0935-2026-03-02`. */
export function scheduledScanAckText(slot: string): string {
  return `⏰ Scheduled scan (${slot})…`;
}

const HELD_STATE: Record<string, string> = {
  PENDING: 'card already shown',
  QUEUED: 'queued for the open',
  APPROVED: 'approved, being ordered',
  EXECUTING: 'being ordered',
  EXECUTED: 'executed',
  REJECTED: 'rejected',
  FAILED: 'failed (not ordered)',
  EXPIRED: 'expired',
  CANCELLED: 'cancelled',
};

/**
 * After a re-scan's new cards: one message, without buttons, for the top
 * picks that get no new card (shown before, or decided). A pending one keeps
 * the deadline its card shows.
 */
export function heldPicksText(picks: readonly { id: string; symbol: string; strategy: string; state: string; expiresAt: Date }[], clock: (d: Date) => string): FmtString {
  const lines = picks.map((p) => {
    const state = HELD_STATE[p.state] ?? p.state.toLowerCase();
    return `• ${p.symbol} ${sourceShort(p.strategy)} · ${state}${p.state === 'PENDING' ? ` · approve by ${clock(p.expiresAt)}` : ''} · ${p.id}`;
  });
  return fmt`${bold`Already shown or decided`} (no new card):\n${lines.join('\n')}`;
}
