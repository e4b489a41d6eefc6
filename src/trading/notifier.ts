import type { SeedingNotice } from './seeding/notices.js';
import type { AlertsNotice } from './alerts/notices.js';
import type { BacktestNotice } from './backtest/notices.js';
import type { DigestNotice } from './digest/notices.js';
import type { ExecutionNotice } from './execution/notices.js';
import type { PortfolioNotice } from './portfolio/notices.js';
import type { ScanNotice } from './scan/notices.js';
import type { StatusNotice } from './status/notices.js';
import type { QueueNotice } from './queue/notices.js';
import type { HypothesesViewNotice } from './hypotheses/views-notices.js';
import type { IncubationNotice } from './hypotheses/incubation-notices.js';
import type { VarNotice } from './risk/var-notices.js';
import type { DriftNotice } from './risk/drift-notices.js';
import type { ReviewNotice } from './review/notices.js';

/**
 * Everything a use case or job handler may tell a person: typed results
 * (codes and figures), never chat text. Each area declares its own kinds in
 * its `notices.ts`; the faces (src/bot, src/web) decide how each looks.
 */
export type Notice = ExecutionNotice | ScanNotice | BacktestNotice | PortfolioNotice | DigestNotice | AlertsNotice | StatusNotice | QueueNotice | SeedingNotice | HypothesesViewNotice | IncubationNotice | VarNotice | DriftNotice | ReviewNotice;
export type NoticeKind = Notice['kind'];

/** How a notice is delivered. */
export interface PublishOptions {
  /**
   * Idempotency key, derived from the producing job (e.g. `<job id>-reply`):
   * publishing the same key twice delivers once, so a retried job never
   * messages twice.
   */
  key?: string;
  /** Deliver without a sound (e.g. for users who chose "silent"). */
  silent?: boolean;
  /** Deliver no earlier than this many milliseconds from now. */
  delayMs?: number;
}

/**
 * The Notifier port: the only way work that runs in workers reaches a
 * person. The bot implements it with its paced outbox (src/bot/outbox);
 * app wires the implementation into job handlers and use cases.
 */
export interface Notifier {
  /** Publishes `notice` to one chat (a user's private chat or a group). */
  publish(chatId: number, notice: Notice, opts?: PublishOptions): Promise<void>;
}
