import type { PreflightBlock } from '../../trading/preflight/gate.js';
import { nyDayClock } from './queue-view.js';

const HOW = 'Run /preflight or `courtside preflight` after fixing, then approve again';

/**
 * An Approve refused because the preflight gate holds new entries (issue 20).
 * The first line fits a button's pop-up (200 characters): the failing checks
 * by name; the lines after it say what each saw and its fix (the /approve
 * reply shows them all).
 */
export function preflightBlockedApproveText(b: PreflightBlock): string {
  if (b.kind === 'never_ran') {
    return `🛑 Not ordered: no preflight has passed yet, and with BROKER=${b.broker} new entries wait for one. ${HOW}; the pick stays open. Exits, /close and /kill still run.`;
  }
  const names = b.failing.map((f) => f.title).join(', ') || 'a check';
  const lines = b.failing.map((f) => `✗ ${f.title}: ${f.saw}${f.fix ? ` — fix: ${f.fix}` : ''}`);
  return [
    `🛑 Not ordered: preflight failed (${names}). ${HOW}; the pick stays open.`,
    `The last preflight (${b.run.by}, ${nyDayClock(new Date(b.run.at))}) has a ✗, so new entries are blocked with BROKER=${b.broker}; exits, /close and /kill still run.`,
    ...lines,
  ].join('\n');
}

/** The card's outcome line while the gate holds it (the Approve button stays). */
export function preflightBlockedCardLine(b: PreflightBlock): string {
  const why = b.kind === 'never_ran' ? 'no preflight has passed yet' : `preflight failed (${b.failing.map((f) => f.title).join(', ') || 'a check'})`;
  return `🛑 Not ordered: ${why}. ${HOW}.`;
}
