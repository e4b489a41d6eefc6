import { bold, fmt, type FmtString } from 'telegraf/format';
import type { ScanFinishedNotice, ScanProgressNotice, ScanStartedNotice } from '../../trading/scan/notices.js';

/** The ack once the scan knows its universe: "⏳ Scanning 900 symbols as of 2026-03-02… 0/900". */
export function scanStartedText(n: Omit<ScanStartedNotice, 'kind' | 'messageId'>): string {
  return `⏳ Scanning ${n.symbols} symbols as of ${n.asOf}${n.demo ? ' (DEMO data)' : ''}… 0/${n.symbols}`;
}

/** The ack while chunks finish. */
export function scanProgressText(n: Omit<ScanProgressNotice, 'kind' | 'messageId'>): string {
  return `⏳ Scanning ${n.total} symbols as of ${n.asOf}… ${n.done}/${n.total}`;
}

/** The ack once the scan is over: what was evaluated, the signals per strategy, and what comes below. */
export function scanDoneText(n: Omit<ScanFinishedNotice, 'kind' | 'messageId'>): FmtString {
  const byStrategy = n.byStrategy.map((s) => `${s.strategy}: ${s.signals}`).join(', ');
  return fmt`✅ ${bold`Scan done`} — ${String(n.evaluated)} symbols as of ${n.asOf}${n.demo ? ' · DEMO data' : ''}\nSignals: ${String(n.signals)} (${byStrategy})${n.skipped ? `; ${n.skipped} symbols skipped (stale or short history)` : ''}\n${n.shown ? `Top ${n.shown} below. /picks lists all.` : 'No trade ideas today.'}`;
}

/** The message a scheduled scan posts first (then edits with its progress); `slot` e.g. `scan-0935-2026-03-02`. */
export function scheduledScanAckText(slot: string): string {
  return `⏰ Scheduled scan (${slot})…`;
}
