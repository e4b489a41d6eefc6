import type { StoredPick } from '../scan/picks-repo.js';
import type { SystemStatus } from './status.js';
import type { ConfigChange } from './config-pin.js';

/**
 * What the status use cases and the command jobs tell a chat, as typed data
 * (codes and figures, no sentences): published through the Notifier port and
 * turned into chat text by src/bot/render/status.ts (and by the dashboard, later).
 */
export type StatusNotice =
  /** /status: health, kill switch, queues, alerts and processes. */
  | { kind: 'command.status'; status: SystemStatus }
  /** /picks: the picks of `date` (null: no scan yet), best first; `asked` is the date the user asked for, if any. */
  | { kind: 'command.picks'; date: string | null; picks: StoredPick[]; asked?: string }
  /**
   * A command job failed through all its retries: `command` is the job name
   * (e.g. `command.pnl`), `error` the (scrubbed) error message. `invalid`:
   * the request itself can never work (e.g. an impossible date in a forged or
   * old job), so it was not retried and sending it again will not help.
   */
  | { kind: 'command.failed'; command: string; attempts: number; error: string; invalid?: boolean }
  /** A scan failed for good: its ack message (`ackMessageId`) is edited to say so, or a new message is sent. */
  | { kind: 'command.scan-failed'; error: string; ackMessageId?: number }
  /** Told once to each admin: a role started with another configuration than its last start (names only for secrets). */
  | { kind: 'config.changed'; change: ConfigChange };
