import { PATTERN_FAMILIES } from '../../engine/patterns/registry.js';
import type { FamilyId } from '../../engine/patterns/types.js';
import type { IncubationNotice, NoticeHypothesis } from '../../trading/hypotheses/incubation-notices.js';
import { shortHash } from '../../trading/manifest/manifest.js';
import { renderPromoteCard } from './hypotheses-promote.js';
import type { RendererTable } from './types.js';

/** "h1a2b3c4d RSI oversold in an uptrend" (the family id when unknown). */
function who(h: NoticeHypothesis): string {
  const f = Object.hasOwn(PATTERN_FAMILIES, h.family) ? PATTERN_FAMILIES[h.family as FamilyId].title : h.family;
  return `${h.id} ${f}${h.market === 'US' ? '' : ` (${h.market})`}`;
}

const num = (x: number | null, digits: number): string => (x === null ? 'n/a' : x === Infinity ? '∞' : x.toFixed(digits));
const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);
const demoTag = (demo: boolean): string => (demo ? ' · DEMO data' : '');

/** One-line chat renderings of the hypotheses queue's state changes (admins), and the Promote card. */
export const incubationRenderers: RendererTable<IncubationNotice> = {
  'hypotheses.incubated': async (n) => {
    const f = n.figures;
    const figures = `${f.oosTrades} OOS trades, Sharpe ${num(f.sharpe, 2)}, DD ${pct(f.maxDrawdown)}, PF ${num(f.profitFactor, 2)}, win ${f.winRate === null ? 'n/a' : `${Math.round(f.winRate * 100)} %`}, DSR ${num(n.dsr, 2)}`;
    const why = n.to === 'RETIRED' ? ` (${n.reasons.join(', ')})` : '';
    // The manifest's short hash: `courtside backtest --replay` with it re-runs this evaluation.
    const manifest = n.manifest ? ` · manifest ${shortHash(n.manifest)}` : '';
    return { ops: [{ kind: 'text', text: `🧪 ${who(n.hypothesis)} → ${n.to}${why}: ${figures}${demoTag(n.demo)}${manifest}` }], origin: 'hypotheses' };
  },
  'hypotheses.reviewed': async (n) => ({
    ops: [{ kind: 'text', text: `🧪 ${who(n.hypothesis)} ${n.from} → ${n.to} after ${n.sessions} sessions: ${n.reasons.join(', ')}${demoTag(n.demo)}` }],
    origin: 'hypotheses',
  }),
  'hypotheses.incubation-blocked': async (n) => {
    const what =
      n.reason === 'market_not_available'
        ? `the ${n.market} market has no stored bars yet: store them (courtside data seed${n.market === 'KR' ? ' stores the KR DEMO ETFs' : ''}, or courtside data import)`
        : `the ${n.market} universe has ${n.days ?? 0} trading days, incubation needs more than ${n.needed ?? 0}: store more history (courtside data import)`;
    return { ops: [{ kind: 'text', text: `⚠️ Incubation waits: ${what}. ${n.waiting} hypotheses stay INCUBATING.` }], origin: 'hypotheses' };
  },
  'hypotheses.promote-card': renderPromoteCard,
};
