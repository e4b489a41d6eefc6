import type { BookFromSource } from './books.js';
import type { StoredHypothesis } from './store.js';
import type { TransitionRow } from './transition-audit.js';

/** The first session of a hypothesis's shadow book and how it was found. */
export interface BookStart {
  from: string;
  source: BookFromSource;
}

/**
 * The first session of the shadow book of a PAPER or LIVE hypothesis.
 *
 * PAPER: the session it entered PAPER (`stateSinceSession`).
 *
 * LIVE: the book continues the one it had in PAPER, so it starts at the
 * session of its last transition into PAPER (DESIGN section 9: a LIVE
 * hypothesis is measured on its shadow book, not on its approved trades).
 * Every transition row records its session. With no transition into PAPER
 * (not possible through the store's edges) it falls back to
 * `stateSinceSession`.
 */
export async function bookStart(h: StoredHypothesis, transitions: () => Promise<TransitionRow[]>): Promise<BookStart> {
  if (h.state !== 'LIVE') return { from: h.stateSinceSession, source: 'state_since' };
  const intoPaper = (await transitions()).filter((r) => r.to_state === 'PAPER').at(-1);
  if (intoPaper?.session) return { from: intoPaper.session, source: 'transition_session' };
  return { from: h.stateSinceSession, source: 'state_since' };
}
