/**
 * Errors that are seen (issue 17): a failure the caller may go on without
 * (a Telegram edit of a message that was deleted or did not change, a cleanup
 * of a key that expires on its own) is logged at debug with the reason it is
 * safe to go on, never swallowed. One helper for the jobs and the bot (the bot
 * imports jobs, never the reverse).
 */

/** The one logger method used here; optional, so test doubles without it do not turn a logged failure into a thrown one. */
export interface DebugLog {
  debug?(obj: object, msg: string): void;
}

/** A `.catch` handler: logs the failure at debug with `why` (and `fields`), then the caller goes on. */
export function ignoredBecause(log: DebugLog | undefined, why: string, fields: Record<string, unknown> = {}): (err: unknown) => undefined {
  return (err) => {
    log?.debug?.({ err, ...fields }, why);
    return undefined;
  };
}

/** The reason an edit of an earlier message may fail harmlessly. */
export const EDIT_MAY_FAIL = 'message not edited (deleted, too old, or unchanged); the answer already says what happened';
