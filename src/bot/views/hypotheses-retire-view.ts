import { bold, fmt, type FmtString } from 'telegraf/format';
import type { ConfirmRefusal } from '../../trading/confirmations/confirmations.js';
import type { RetireAsk, RetireConfirm } from '../../trading/hypotheses/retire.js';
import type { StoredHypothesis } from '../../trading/hypotheses/store.js';
import { familyTitle } from '../../trading/hypotheses/views.js';
import { nyStamp } from '../format/display.js';
import { words } from './hypotheses-format.js';

const name = (h: Pick<StoredHypothesis, 'id' | 'family'>) => `${h.id} (${familyTitle(h.family) ?? h.family})`;

/** The confirm card of /retire ID: what is retired, as shown (state and version), and that it is final. */
export function retireAskText(h: StoredHypothesis, ttlMinutes: number): FmtString {
  return fmt`⚠️ ${bold`Retire ${h.id}?`}\n${familyTitle(h.family) ?? h.family} · ${h.market} · state ${bold(h.state)} (version ${String(h.version)}) since ${h.stateSinceSession}.\nRETIRED is final: it stops trading in its shadow book${h.state === 'LIVE' ? ' and makes no more picks (open positions keep their exits)' : ''}, and no one can bring it back. The button is bound to this version and expires in ${String(ttlMinutes)} minutes.`;
}

/** /retire ID when there is nothing to confirm. */
export function retireAskRefusalText(a: Exclude<RetireAsk, { kind: 'ask' }>): string {
  switch (a.kind) {
    case 'not_found':
      return `No hypothesis has the id "${a.id.slice(0, 70)}". Send /hypotheses to list them.`;
    case 'already_retired':
      return `${name(a.hypothesis)} is already RETIRED (since ${a.hypothesis.stateSinceSession}${a.hypothesis.retiredReason ? `: ${words(a.hypothesis.retiredReason)}` : ''}). RETIRED is final: nothing to do.`;
    case 'forbidden':
      return 'Only an admin can retire a hypothesis.';
  }
}

function refusalText(r: ConfirmRefusal): string {
  switch (r.kind) {
    case 'used':
      return r.how === 'cancelled' ? 'This retire was cancelled. Send /retire ID again.' : 'This confirmation was already used.';
    case 'expired':
      return 'This confirmation has expired. Send /retire ID again.';
    case 'stale':
      return 'This confirmation is out of date. Send /retire ID again.';
    case 'unknown':
      return 'This button is not valid. Send /retire ID again.';
  }
}

/** Why a Confirm press retired nothing (nothing changed). */
export function retireConfirmRefusalText(r: Exclude<RetireConfirm, { kind: 'retired' }>): string {
  switch (r.kind) {
    case 'refused':
      return refusalText(r.refusal);
    case 'stale':
      return `${name(r.hypothesis)} changed since this was shown (version ${r.shownVersion} then; now ${r.hypothesis.state}, version ${r.hypothesis.version}, since ${nyStamp(r.hypothesis.stateSince)}). Nothing was changed: send /retire ${r.hypothesis.id} again if you still want to.`;
    case 'already_retired':
      return `${name(r.hypothesis)} is already RETIRED (since ${nyStamp(r.hypothesis.stateSince)}${r.hypothesis.retiredReason ? `: ${words(r.hypothesis.retiredReason)}` : ''}). RETIRED is final: nothing was changed.`;
    case 'not_found':
      return `Hypothesis ${r.id} no longer exists. Nothing was changed.`;
    case 'not_allowed':
      return `${name(r.hypothesis)} cannot be retired from ${r.hypothesis.state} (${words(r.reason)}). Nothing was changed.`;
    case 'forbidden':
      return 'Only an admin can retire a hypothesis.';
  }
}

/** The card after a Confirm that retired it, and the announcement to the other admins. */
export function retiredText(r: Extract<RetireConfirm, { kind: 'retired' }>, by: { name: string; id: number }): FmtString {
  return fmt`🗄 ${bold`Retired ${r.hypothesis.id}`} by ${by.name} (${String(by.id)}): ${familyTitle(r.hypothesis.family) ?? r.hypothesis.family} · ${r.hypothesis.market} · ${r.from} → RETIRED (version ${String(r.hypothesis.version)}). RETIRED is final.`;
}
