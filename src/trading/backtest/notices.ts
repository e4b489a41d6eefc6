import type { BacktestEnd } from './execute.js';
import type { BacktestRequest } from './request.js';
import type { BacktestProgress } from './run.js';

/**
 * What the backtest use cases tell a chat, as typed data (codes and figures, no
 * sentences): published through the Notifier port and turned into chat text
 * by src/bot/render/backtest.ts (and by the dashboard, later).
 */
export type BacktestNotice = BacktestProgressNotice | BacktestFinishedNotice | BacktestInvalidRequestNotice | BacktestGaveUpNotice;

/** Where a running backtest is, shown on one waiting chat's ack message (which keeps its Cancel button). */
export interface BacktestProgressNotice {
  kind: 'backtest.progress';
  messageId: number;
  request: BacktestRequest;
  /** The request's short key: what Cancel names. */
  requestKey: string;
  progress: BacktestProgress;
}

/**
 * A backtest is over, for one waiting chat: its ack message (`messageId`, or
 * 0 when there is none and a new message says it) tells how it ended; a done
 * run also brings its report and curves.
 */
export interface BacktestFinishedNotice {
  kind: 'backtest.finished';
  messageId: number;
  request: BacktestRequest;
  end: BacktestEnd;
}

/** A backtest job whose payload held no valid request; `error` is the validation error's explanation. */
export interface BacktestInvalidRequestNotice {
  kind: 'backtest.invalid-request';
  error: string;
}

/**
 * A backtest job failed without its handler telling anyone (a payload the
 * worker refused, a worker that died too often): tells one waiting chat.
 * `request` is null when the payload held none; `error` is the redacted
 * failure, at most 300 characters.
 */
export interface BacktestGaveUpNotice {
  kind: 'backtest.gave-up';
  messageId: number;
  request: BacktestRequest | null;
  error: string;
}
