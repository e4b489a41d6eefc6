import type { PreflightCheck } from '../types.js';

/** Past this the machine's clock and another's disagree enough to misjudge a session edge or a deadline. */
export const MAX_SKEW_MS = 2_000;

export interface ClockSkewDeps {
  /** Who the other clock belongs to (`Postgres`). */
  other: string;
  id: string;
  /** This machine's clock. */
  now: () => number;
  /** The other clock, read once. */
  read: () => Promise<Date>;
  fix: string;
}

/**
 * This machine's clock against another's: the other clock is compared with the
 * midpoint of the round trip, so a slow answer widens the uncertainty (said
 * in what it saw) rather than counting as skew.
 */
export function clockSkewCheck(d: ClockSkewDeps): PreflightCheck {
  return {
    id: d.id,
    title: `Clock vs ${d.other}`,
    run: async () => {
      const t0 = d.now();
      const theirs = (await d.read()).getTime();
      const t1 = d.now();
      const skew = theirs - (t0 + t1) / 2;
      const rtt = t1 - t0;
      const secs = (Math.abs(skew) / 1000).toFixed(1);
      const saw = `this machine is ${secs} s ${skew > 0 ? 'behind' : 'ahead of'} ${d.other} (±${Math.ceil(rtt / 2)} ms)`;
      if (Math.abs(skew) > MAX_SKEW_MS) return { level: 'fail', saw: `${saw}; more than ${MAX_SKEW_MS / 1000} s`, fix: d.fix };
      return { level: 'pass', saw };
    },
  };
}
