import type { PreflightCheck } from '../types.js';
import type { KillSwitchProbe } from './ports.js';

/** The kill switch: off passes; on is a ⚠ saying who and why; unreadable is a ✗ (trading fails closed). */
export function killSwitchCheck(ks: KillSwitchProbe): PreflightCheck {
  return {
    id: 'kill-switch',
    title: 'Kill switch',
    run: async () => {
      const s = await ks.state();
      if (!s.engaged) return { level: 'pass', saw: 'off — trading allowed' };
      const unreadable = [s.postgres === 'unreachable' ? 'Postgres' : null, s.redis === 'unreachable' ? 'Redis' : null].filter(Boolean);
      if (unreadable.length > 0) {
        return { level: 'fail', saw: `${unreadable.join(' and ')} could not be read: the switch counts as ON (trading fails closed)`, fix: `Bring ${unreadable.join(' and ')} back (see ${unreadable.length === 1 ? 'its check' : 'their checks'}); the switch then reads its stored state.` };
      }
      const when = s.changedAt ? ` since ${s.changedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
      return { level: 'warn', saw: `ON${when} by ${s.changedBy ?? 'unknown'}: ${s.reason ?? 'no reason given'} — no new entries`, fix: 'Send /resume in the chat (admin) when it is safe to trade again.' };
    },
  };
}
