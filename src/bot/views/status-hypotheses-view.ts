import type { GeneratorWaitReason } from '../../engine/hypotheses/generator.js';
import { HYPOTHESIS_STATES } from '../../engine/hypotheses/states.js';
import type { GeneratorRun } from '../../trading/hypotheses/views-sessions.js';
import type { HypothesesStatus, MarketHypothesesStatus, RunningHypothesesJob } from '../../trading/status/hypotheses.js';
import { sessionDayLabel } from '../format/session-date.js';
import { formatEt } from './alert-text.js';

/** Why the generator proposed nothing, in words: "INCUBATING cap full 50/50", "no new candidates". */
export function generatorWaitingText(w: GeneratorWaitReason): string {
  return w.reason === 'incubating_cap_full' ? `INCUBATING cap full ${w.count}/${w.cap}` : 'no new candidates';
}

/** "generator Fri Nov 20: proposed 10", "generator Fri Nov 20: waiting — INCUBATING cap full 50/50", "generator has not run yet". */
function generatorText(m: MarketHypothesesStatus): string {
  const g = m.generator;
  if (!g) return 'generator has not run yet';
  const head = `generator ${sessionDayLabel(g.session)}`;
  if (g.proposed > 0) return `${head}: proposed ${g.proposed}`;
  return g.waiting ? `${head}: waiting — ${generatorWaitingText(g.waiting)}` : `${head}: proposed 0`;
}

/** "INCUBATING 12/50 · PAPER 3/10 · LIVE 1/3 · RETIRED 7": held / cap (RETIRED has no cap). */
function countsText(m: MarketHypothesesStatus): string {
  return HYPOTHESIS_STATES.map((s) => (s === 'RETIRED' ? `${s} ${m.counts[s]}` : `${s} ${m.counts[s]}/${m.caps[s]}`)).join(' · ');
}

function runningText(j: RunningHypothesesJob): string {
  const what = j.hypothesisId ? `incubating ${j.hypothesisId}` : j.market ? `session job ${j.market}` : j.name;
  return j.progress ? `${what} (step ${j.progress.done}/${j.progress.total})` : `${what} (starting)`;
}

/**
 * The hypotheses lines of /status: per market the generator's last run and
 * the counts per state against their caps, the incubation queue (waiting,
 * and what runs with its progress) and when the generator runs next.
 * `undefined` (no sources wired) gives no lines.
 */
export function hypothesesStatusLines(h: HypothesesStatus | null | undefined): string[] {
  if (h === undefined) return [];
  if (h === null) return ['🧪 Hypotheses: unavailable (Postgres did not answer)'];
  const lines: string[] = [];
  for (const m of h.markets) lines.push(`🧪 Hypotheses ${m.market}: ${generatorText(m)}`, `   ${countsText(m)}`);
  if (h.queue === null) {
    lines.push('Incubation queue: unavailable (Redis)');
  } else {
    const q = h.queue;
    const running = q.running.length > 0 ? `: ${q.running.map(runningText).join('; ')}` : '';
    lines.push(`Incubation queue: ${q.waiting} waiting · ${q.active} running${running}${q.failed > 0 ? ` · ${q.failed} failed` : ''}`);
  }
  lines.push(`Next generator run: ${generatorRunText(h.nextRun)}`);
  return lines;
}

/** The generator's next run as /status and /hypotheses both say it. */
export function generatorRunText(run: GeneratorRun | null): string {
  return run ? `${formatEt(run.at.getTime())} (session ${sessionDayLabel(run.sessionDate)})` : 'not scheduled (SCHEDULE_HYPOTHESES empty or the scheduler off)';
}
