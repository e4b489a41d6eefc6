import { bold, fmt, join, type FmtString } from 'telegraf/format';
import type { HypothesisState } from '../../engine/hypotheses/states.js';
import type { HypothesesOverview, HypothesisDetail, HypothesisRow, MarketOverview, TransitionView } from '../../trading/hypotheses/views.js';
import { marketStamp } from '../format/market-stamp.js';
import { amountsFor } from '../format/market-amounts.js';
import { HYPOTHESIS_MAX_OPEN } from '../../engine/allocation/constants.js';
import type { MarketId } from '../../engine/hypotheses/definition.js';
import { sessionDayLabel } from '../format/session-date.js';
import { checkLine, figure, keyFigureText, words } from './hypotheses-format.js';
import { generatorRunText } from './status-hypotheses-view.js';
import type { GeneratorRun } from '../../trading/hypotheses/views-sessions.js';
import { shortHash } from '../../trading/manifest/manifest.js';

/** The order states are listed in: what trades first. */
const LIST_ORDER: readonly HypothesisState[] = ['LIVE', 'PAPER', 'INCUBATING', 'RETIRED'];

const HOW_RANKED: Record<HypothesisState, string> = {
  LIVE: 'best Sharpe first',
  PAPER: 'best Sharpe first',
  INCUBATING: 'oldest first',
  RETIRED: 'latest first',
};

/** "INCUBATING 12/50 · PAPER 3/10 · LIVE 0/3 · RETIRED 7 = 22 hypotheses". */
export function countsLine(m: Pick<MarketOverview, 'counts' | 'total'>): string {
  const parts = m.counts.map((c) => (c.cap === null ? `${c.state} ${c.count}` : `${c.state} ${c.count}/${c.cap}`));
  return `${parts.join(' · ')} = ${m.total} hypothes${m.total === 1 ? 'is' : 'es'}`;
}

function familyName(r: Pick<HypothesisRow, 'family' | 'familyTitle'>): string {
  return r.familyTitle ?? r.family;
}

function rowLine(r: HypothesisRow): string {
  return `  ${r.id} · ${familyName(r)} · ${keyFigureText(r.key)}`;
}

function waitingText(w: unknown): string | null {
  if (w === null || typeof w !== 'object') return null;
  const o = w as { reason?: unknown; cap?: unknown; count?: unknown };
  if (o.reason === 'incubating_cap_full' && typeof o.cap === 'number' && typeof o.count === 'number') return `waiting: INCUBATING is full (${o.count}/${o.cap})`;
  if (o.reason === 'no_new_candidates') return 'waiting: no family has a new candidate';
  return typeof o.reason === 'string' ? `waiting: ${words(o.reason)}` : null;
}

function nextRunText(run: GeneratorRun | null): string {
  return `next run ${generatorRunText(run)}`;
}

/**
 * KR's money line: the won its books start at and the 40 % LIVE cap of it, so every won figure a
 * KR hypothesis shows is read against the KR equity alone ("₩100,000,000 · 40% = ₩40,000,000").
 */
export function krEquityLine(equity: number): string {
  const won = amountsFor('KR').amount;
  const e = Math.round(equity);
  return `KRX ETFs in won (KRX sessions, KST): shadow books start at the KR equity ${won(e)}; a LIVE hypothesis holds at most ${(HYPOTHESIS_MAX_OPEN * 100).toFixed(0)}% = ${won(Math.round(HYPOTHESIS_MAX_OPEN * e))}.`;
}

function marketBlock(m: MarketOverview, nextRun: GeneratorRun | null): FmtString {
  const lines: (string | FmtString)[] = [fmt`${bold(m.market)}: ${countsLine(m)}`];
  // KR only: the US block reads as it always did (its money is dollars, and it shows none).
  if (m.market === 'KR' && m.equity !== undefined) lines.push(krEquityLine(m.equity));
  for (const state of LIST_ORDER) {
    const count = m.counts.find((c) => c.state === state)?.count ?? 0;
    if (count === 0) continue;
    const rows = m.top[state];
    const shown = rows.length < count ? `top ${rows.length} of ${count}, ${HOW_RANKED[state]}` : HOW_RANKED[state];
    lines.push(`${state} (${shown}):`);
    for (const r of rows) lines.push(rowLine(r));
  }
  const run = m.lastRun;
  const wait = run ? waitingText(run.waiting) : null;
  lines.push(
    run
      ? `Generator: last ran for ${run.session}, proposed ${run.proposed}${wait ? ` (${wait})` : ''}; ${nextRunText(nextRun)}.`
      : `Generator: has not run yet; ${nextRunText(nextRun)}.`,
  );
  return join(lines, '\n');
}

/** /hypotheses: per market the counts per state (with caps), the top of each state and the generator's runs. */
export function hypothesesOverviewText(o: HypothesesOverview): FmtString {
  if (o.markets.length === 0 || o.markets.every((m) => m.total === 0)) {
    const when = `its ${nextRunText(o.nextRun)}`;
    const ran = o.markets.find((m) => m.lastRun)?.lastRun;
    const last = ran ? ` It last ran for ${ran.session} and proposed ${ran.proposed}${waitingText(ran.waiting) ? ` (${waitingText(ran.waiting)})` : ''}.` : '';
    return fmt`🧪 ${bold`Hypotheses`}\nNone yet. The generator proposes up to 10 per market once per session; ${when}.${last}`;
  }
  const blocks = o.markets.map((m) => marketBlock(m, o.nextRun));
  return fmt`🧪 ${bold`Hypotheses`}\n${join(blocks, '\n\n')}\n\n/hypothesis ID shows one: figures, checks, transitions and its equity.`;
}

/** "lookback 9/10/11 · minChangePct 5": the grid's axes, then the centre's other parameters. */
function gridText(d: Pick<HypothesisDetail, 'grid' | 'centre'>): string {
  const axes = Object.entries(d.grid).map(([k, vs]) => `${k} ${vs.join('/')}`);
  const fixed = Object.entries(d.centre)
    .filter(([k]) => !(k in d.grid))
    .map(([k, v]) => `${k} ${String(v)}`);
  return [...axes, ...fixed].join(' · ') || 'no parameters';
}

function paramsText(p: Record<string, unknown>): string {
  const parts = Object.entries(p).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return parts.join(' · ') || 'none';
}

/** A transition's figures, as its top-level scalars (at most 4), for one line. */
function figuresText(f: unknown): string {
  if (f === null || typeof f !== 'object' || Array.isArray(f)) return '';
  const parts = Object.entries(f as Record<string, unknown>)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')
    .slice(0, 4)
    .map(([k, v]) => `${k} ${typeof v === 'number' && !Number.isInteger(v) ? figure(v, 'ratio', 3) : String(v)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function transitionLine(t: TransitionView, market: MarketId): string {
  return `  ${marketStamp(market, t.at)} · ${t.from ?? '—'} → ${t.to} · ${words(t.event)} by ${t.actor}${figuresText(t.figures)}`;
}

/**
 * The OOS equity's first and last values and the return between them, each
 * as shown (rounded to the unit: dollars without a sign for US as always,
 * whole won with ₩ for KR), so the percentage recomputes from the two
 * numbers beside it.
 */
export function equityLine(e: { dates: string[]; values: number[] }, market: MarketId = 'US'): string {
  const first = Math.round(e.values[0]!);
  const last = Math.round(e.values.at(-1)!);
  const ret = first > 0 ? ` (${last >= first ? '+' : ''}${(((last - first) / first) * 100).toFixed(1)}%)` : '';
  const show = market === 'KR' ? (n: number) => amountsFor('KR').amount(n) : (n: number) => n.toLocaleString('en-US');
  return `OOS equity ${e.dates[0]} → ${e.dates.at(-1)}: ${show(first)} → ${show(last)}${ret}`;
}

/** /hypothesis ID: definition, state, the evaluation's figures and checks, the DSR, every transition. */
export function hypothesisDetailText(d: HypothesisDetail): FmtString {
  const lines: (string | FmtString)[] = [
    fmt`🧪 ${bold(d.id)} · ${d.familyTitle ?? d.family} · ${d.market}`,
    fmt`State ${bold(d.state)} (version ${String(d.version)}) since ${sessionDayLabel(d.stateSinceSession)} · proposed ${d.proposedSession}${d.retiredReason ? ` · retired: ${words(d.retiredReason)}` : ''}`,
    `Grid: ${gridText(d)}`,
    `Exits: stop ${d.exits.stopAtr} × ATR(${d.exits.atrPeriod}) · time stop ${d.exits.timeStopBars} bars · ${d.exits.targetAtr === null ? 'no target' : `target ${d.exits.targetAtr} × ATR`}`,
    `Fixed parameters: ${d.fixedParams ? paramsText(d.fixedParams) : 'chosen when the walk-forward has run'}`,
  ];
  const e = d.evaluation;
  if (!e) {
    lines.push(d.state === 'INCUBATING' ? 'Walk-forward: not run yet (queued for incubation).' : 'Walk-forward: no evaluation stored.');
  } else {
    const span = e.firstDate && e.lastDate ? ` ${e.firstDate} → ${e.lastDate}` : '';
    const scope = [e.windows !== null ? `${e.windows} windows` : null, e.symbols !== null ? `${e.symbols} symbols` : null].filter(Boolean).join(', ');
    lines.push('', fmt`${bold`Walk-forward`}${e.demo ? ' on DEMO (synthetic) bars' : ''}${span}${scope ? ` (${scope})` : ''}: verdict ${e.verdict}${e.reasons.length ? ` — ${e.reasons.map(words).join(', ')}` : ''}${d.manifest ? ` · manifest ${shortHash(d.manifest)}` : ''}`);
    for (const c of e.checks) lines.push(checkLine(c));
    const df = e.deflated;
    if (df) {
      lines.push(
        `DSR ${figure(df.dsr, 'probability')}${df.undefinedReason ? ` (undefined: ${words(df.undefinedReason)})` : ''} · daily SR ${figure(df.sharpe, 'ratio', 4)} vs SR₀ ${figure(df.sr0, 'ratio', 4)} · T ${df.days} days · N ${df.trials} trials · V ${figure(df.trialVariance, 'ratio', 6)}`,
      );
    }
  }
  if (d.equity) lines.push(equityLine(d.equity, d.market));
  lines.push('', fmt`${bold`Transitions`} (${String(d.transitions.length)}):`);
  for (const t of d.transitions) lines.push(transitionLine(t, d.market));
  return join(lines, '\n');
}

/** /hypothesis ID for an id the store does not know. */
export function hypothesisUnknownText(asked: string): string {
  return `No hypothesis has the id "${asked.slice(0, 70)}". Send /hypotheses to list them (ids look like h1a2b3c4d).`;
}
