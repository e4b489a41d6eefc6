/**
 * The daily drift check (issue 21, part 3): after the session's mark-to-market, the drift tests'
 * answers ({@link driftStatus}) open or close breach episodes in `drift_alerts`, and admins are
 * told once per episode.
 *
 * Idempotent: an episode is one row (a unique index allows one open row per check and subject);
 * the message is claimed in that row (`notified_at`) before it is published under a key of the
 * episode, and the claim is released if publishing failed, so a re-run or a retried job sends
 * nothing twice and a lost send is retried by the next run.
 */
import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { DRIFT_HORIZON, DRIFT_K } from '../../engine/risk/drift-cusum.js';
import { SLIPPAGE_WINDOW } from '../../engine/risk/drift-slippage.js';
import { pgJson, pgText } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';
import type { Notifier } from '../notifier.js';
import type { Recipient } from '../settings/recipients.js';
import type { DriftNotice } from './drift-notices.js';
import { driftStatus, type DriftStatus } from './drift-status.js';
import { DEFAULT_RISK_SETTINGS, type RiskSettings } from './settings.js';

/** What {@link runDriftCheck} needs. */
export interface DriftCheckDeps {
  db: SqlSession;
  publisher: Pick<Notifier, 'publish'>;
  settings: RiskSettings;
  /** Admin chats (read at each run). */
  admins(): Promise<readonly number[]> | readonly number[];
}

/** What one run did, for the job's result and logs. */
export interface DriftCheckResult {
  /** Subjects (`test:<subject>`, `execution:<market>`) out of band now. */
  breaches: string[];
  /** Episodes opened by this run. */
  opened: string[];
  /** Episodes closed by this run (back in band). */
  closed: string[];
  /** Messages this run published (admins × episodes). */
  sent: number;
}

interface Breach {
  kind: 'test' | 'execution';
  subject: string;
  notice: DriftNotice;
}

const SubjectRow = z.object({ subject: pgText });
/** `id` is bigint, cast to text in the statement. */
const EpisodeIdRow = z.object({ id: pgText });
/**
 * The notice stored when the episode opened (jsonb written by this module from a {@link DriftNotice}):
 * its kind is checked, the rest is sent as stored so a retry tells the same figures.
 */
const StoredNotice = pgJson.refine(
  (v): v is DriftNotice => typeof v === 'object' && v !== null && ['drift.test-breach', 'drift.execution-wide'].includes((v as { kind?: unknown }).kind as string),
  { message: 'expected a stored drift notice (kind drift.test-breach or drift.execution-wide)' },
);
const ClaimedRow = z.object({ figures: StoredNotice });

/** The breaches in a status (as of the session `asOf`), as the notices they would send, and the subjects back in band. */
function breachesOf(status: DriftStatus, asOf: string): { breaches: Breach[]; clear: { kind: 'test' | 'execution'; subject: string }[] } {
  const breaches: Breach[] = [];
  const clear: { kind: 'test' | 'execution'; subject: string }[] = [];
  const bound = { falseAlarmBound: status.falseAlarmBound, horizon: status.horizon ?? DRIFT_HORIZON, k: status.k ?? DRIFT_K };
  for (const t of status.tests) {
    if (t.state === 'out_of_band' && t.reference && t.liveMeanR != null && t.referenceMeanR != null && t.referenceSdR != null) {
      const line = { ...t, state: 'out_of_band' as const, reference: t.reference, liveMeanR: t.liveMeanR, referenceMeanR: t.referenceMeanR, referenceSdR: t.referenceSdR, referenceTrades: t.referenceTrades ?? 0, firstBreachTrade: t.firstBreachTrade ?? null };
      breaches.push({ kind: 'test', subject: t.subject, notice: { kind: 'drift.test-breach', asOf, line, bound } });
    } else if (t.state === 'in_band') clear.push({ kind: 'test', subject: t.subject });
  }
  for (const e of status.execution) {
    if (e.state === 'wide' && e.medianBps !== null) {
      const line = { ...e, state: 'wide' as const, medianBps: e.medianBps, medianVsCloseBps: e.medianVsCloseBps ?? null };
      breaches.push({ kind: 'execution', subject: e.market, notice: { kind: 'drift.execution-wide', asOf, line, window: status.slippageWindow ?? SLIPPAGE_WINDOW } });
    } else if (e.state === 'ok') clear.push({ kind: 'execution', subject: e.market });
  }
  return { breaches, clear };
}

/**
 * Runs the drift checks as of the session `asOf` and tells admins of each new breach.
 * A subject that is `too_few` neither opens nor closes an episode (no verdict either way).
 */
export async function runDriftCheck(deps: DriftCheckDeps, asOf: string): Promise<DriftCheckResult> {
  const status = await driftStatus({ db: deps.db, settings: deps.settings }, asOf);
  const { breaches, clear } = breachesOf(status, asOf);
  const opened: string[] = [];
  const closed: string[] = [];
  for (const c of clear) {
    const n = await deps.db.exec(`UPDATE drift_alerts SET state = 'closed', closed_session = $3::date, closed_at = now() WHERE kind = $1 AND subject = $2 AND state = 'open'`, [c.kind, c.subject, asOf]);
    if (n > 0) closed.push(`${c.kind}:${c.subject}`);
  }
  // A subject no longer tested (a hypothesis retired or demoted) ends its episode: left open, it
  // would swallow the alert of a later breach after a new promotion.
  const gone = await rowsOf(
    deps.db,
    SubjectRow,
    `UPDATE drift_alerts SET state = 'closed', closed_session = $2::date, closed_at = now()
      WHERE kind = 'test' AND state = 'open' AND NOT (subject = ANY($1::text[])) RETURNING subject`,
    [status.tests.map((t) => t.subject), asOf],
  );
  for (const g of gone) closed.push(`test:${g.subject}`);
  for (const b of breaches) {
    const n = await deps.db.exec(
      `INSERT INTO drift_alerts (kind, subject, opened_session, figures) VALUES ($1, $2, $3::date, $4::jsonb) ON CONFLICT (kind, subject) WHERE state = 'open' DO NOTHING`,
      [b.kind, b.subject, asOf, JSON.stringify(b.notice)],
    );
    if (n > 0) opened.push(`${b.kind}:${b.subject}`);
  }
  const sent = await sendOwed(deps);
  return { breaches: breaches.map((b) => `${b.kind}:${b.subject}`), opened, closed, sent };
}

/**
 * Tells admins of every open episode not told yet: the figures stored when it opened (so a
 * retry sends the same message), one message per admin under the key `drift-<episode>-<chat>`.
 */
async function sendOwed(deps: DriftCheckDeps): Promise<number> {
  const admins = await deps.admins();
  if (admins.length === 0) return 0;
  let sent = 0;
  const owed = await rowsOf(deps.db, EpisodeIdRow, `SELECT id::text AS id FROM drift_alerts WHERE state = 'open' AND notified_at IS NULL ORDER BY id`);
  for (const o of owed) {
    // The claim's own stamp (milliseconds, as JavaScript keeps it) is what the release matches.
    const claimedAt = new Date();
    const claimed = await rowsOf(
      deps.db,
      ClaimedRow,
      `UPDATE drift_alerts SET notified_at = $2 WHERE id = $1::bigint AND notified_at IS NULL RETURNING figures`,
      [o.id, claimedAt],
    );
    const row = claimed[0];
    if (!row) continue;
    const results = await Promise.allSettled(admins.map((chatId) => deps.publisher.publish(chatId, row.figures, { key: `drift-${o.id}-${chatId}` })));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      // Released for the next run; the stable keys make re-sending to the admins who got it a no-op.
      await deps.db.exec(`UPDATE drift_alerts SET notified_at = NULL WHERE id = $1::bigint AND notified_at = $2`, [o.id, claimedAt]);
      throw failed.reason;
    }
    sent += admins.length;
  }
  return sent;
}

/**
 * The drift check's deps from what the `executions` queue's handlers hold. `drift` is optional so
 * the handler works before the app wires it: without it, admins are the allow-listed admins among
 * the fill recipients, and the risk settings are the defaults.
 */
export function driftCheckDepsOf(q: {
  db: SqlSession;
  publisher: Pick<Notifier, 'publish'>;
  fillRecipients(): Promise<Recipient[]>;
  drift?: { settings: RiskSettings; admins(): readonly number[] };
}): DriftCheckDeps {
  return {
    db: q.db,
    publisher: q.publisher,
    settings: q.drift?.settings ?? DEFAULT_RISK_SETTINGS,
    admins: q.drift ? () => q.drift!.admins() : async () => (await q.fillRecipients()).filter((r) => r.role === 'admin').map((r) => r.chatId),
  };
}
