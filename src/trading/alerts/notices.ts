/**
 * What the alerts use cases tell a chat, as typed data (codes and figures, no
 * sentences): published through the Notifier port and turned into chat text
 * by src/bot/render/alerts.ts (and by the dashboard, later).
 */

import type { AlertDetail, ResolveDetail } from './details.js';

/** The alert a notice is about, as stored when the message was claimed. */
export interface AlertFigures {
  /** The condition's key, e.g. `deadman.heartbeat:worker`. */
  key: string;
  /** The alert kind, e.g. `heartbeat` (see ALERT_KINDS). */
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  /** What the raiser found, as stored in the alert row (a code and figures). */
  detail: AlertDetail;
  /** When this episode began. */
  firstAt: Date;
  /** When it was resolved (null while open). */
  resolvedAt: Date | null;
  /** How many times it was raised in this episode. */
  count: number;
}

export type AlertsNotice =
  /** An alert opened: told once per episode to every admin. */
  | { kind: 'alert.opened'; alert: AlertFigures }
  /**
   * An alert an admin was told about is resolved. `note` is what the resolver
   * found (null: it said nothing); `claimedAt` stands in for a missing
   * `resolvedAt`.
   */
  | { kind: 'alert.recovered'; alert: AlertFigures; note: ResolveDetail | null; claimedAt: Date };
