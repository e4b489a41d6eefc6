import type { CloseDigestData, MorningDigestData, NoSessionDigestData } from './types.js';

/**
 * What the digest use cases tell a chat, as typed data (codes and figures, no
 * sentences): published through the Notifier port and turned into chat text
 * by src/bot/render/digest.ts (and by the dashboard, later).
 *
 * A scheduled digest publishes the SAME notice object to every recipient, so
 * a face may draw its chart once and reuse it for all of them.
 */
export type DigestNotice =
  /** The morning digest: kill switch, what waits for a tap, positions, budget, scans, data freshness. */
  | { kind: 'digest.morning'; digest: MorningDigestData }
  /** The close digest: the day's P&L against the benchmark, failures, exits, fills, and the equity curve. */
  | { kind: 'digest.close'; digest: CloseDigestData }
  /** A close digest asked for on a day without a session: the last and next session, and the open P&L as /positions shows it. */
  | { kind: 'digest.no-session'; digest: NoSessionDigestData };
