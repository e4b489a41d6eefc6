import type { SignalSourceId } from '../../engine/signal.js';
import type { Market } from '../../engine/market/markets.js';
import type { PickCorrelation } from '../risk/card-correlation.js';
import type { PickWithBars } from './scan-run.js';

/**
 * What the scan use cases tell a chat, as typed data (codes and figures, no
 * sentences): published through the Notifier port and turned into chat text
 * by src/bot/render/scan.ts (and by the dashboard, later).
 */
export type ScanNotice = ScanStartedNotice | ScanProgressNotice | ScanFinishedNotice | ScanCardsNotice;

/** The scan has its universe: the ack message (`messageId`) shows what it scans, at 0 done. */
export interface ScanStartedNotice {
  kind: 'scan.started';
  messageId: number;
  symbols: number;
  asOf: string;
  demo: boolean;
  /** Set for a KR scan only (a US scan's messages are unchanged). */
  market?: Market;
}

/** `done` of `total` symbols evaluated (the ack message shows it). */
export interface ScanProgressNotice {
  kind: 'scan.progress';
  messageId: number;
  done: number;
  total: number;
  asOf: string;
  /** Set for a KR scan only. */
  market?: Market;
}

/** The scan is over: the ack message becomes its summary. */
export interface ScanFinishedNotice {
  kind: 'scan.finished';
  messageId: number;
  asOf: string;
  demo: boolean;
  evaluated: number;
  skipped: number;
  signals: number;
  /** Per requested strategy, then per LIVE hypothesis that signalled (`hyp:<id>`). */
  byStrategy: { strategy: SignalSourceId; signals: number }[];
  /** Picks posted as new cards after the summary. */
  shown: number;
  /** Top picks without a new card (shown before, or decided), listed in one message after the cards. */
  held?: number;
  /** Set for a KR scan only. */
  market?: Market;
}

/** The best picks, each to be posted as a card that can be approved or rejected until it expires. */
export interface ScanCardsNotice {
  kind: 'scan.cards';
  cards: PickWithBars[];
  /**
   * By pick id: what the pick moves with (open positions, in-flight entries, this scan's other picks)
   * and its cluster's open risk before and after it (see src/trading/risk/card-correlation.ts). A pick
   * without an entry moves with nothing; absent: not computed (no correlation deps, or its read failed).
   */
  correlation?: Record<string, PickCorrelation>;
}
