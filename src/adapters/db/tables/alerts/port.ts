/**
 * Typed repositories of alerts and the decision journal: the plain one-table reads and writes the
 * use cases need, as methods (the use cases import this file's types only).
 */

/** One scan decision (a `decisions` row) as the journal reads it. */
export interface DecisionRecord {
  /** bigint, as text. */
  id: string;
  runId: string;
  /** `signal`, `card` or `skip`. */
  kind: string;
  /** The session it is about, `YYYY-MM-DD`. */
  sessionDate: string;
  symbol: string;
  source: string;
  /** `sized`, `not_live`, `posted`, `top_n_cut`, … (the journal shows `kind.outcome`). */
  outcome: string;
  pickId: string | null;
  /** Everything recorded with it (a JSON object). */
  inputs: Record<string, unknown>;
  /** The scan's `scan.decisions` audit row seq (bigint, as text). */
  auditSeq: string;
  createdAt: Date;
}

/** The plain reads of `decisions` (its writes are the scan's bulk insert, reviewed SQL). */
export interface AlertsTables {
  /** The audit seq (bigint, as text) one recorded row of the run carries; null while the run has none. */
  runAuditSeq(runId: string): Promise<string | null>;
  /** The decision with this id (digits, as text); null when there is none. */
  decision(id: string): Promise<DecisionRecord | null>;
}
