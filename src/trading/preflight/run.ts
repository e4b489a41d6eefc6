import { performance } from 'node:perf_hooks';
import { DEFAULT_CHECK_TIMEOUT_MS, PreflightBlocked, type PreflightCheck, type PreflightLevel, type PreflightReport, type PreflightResult } from './types.js';

/**
 * Runs every check at once, each under its own timeout (a check that never
 * answers is a ✗ saying how long it was waited for; one that throws is a ✗
 * with its error), and returns the results in the order given. `scrub`
 * removes secrets from error text before it is kept.
 */
export async function runPreflight(checks: readonly PreflightCheck[], opts: { now?: () => Date; scrub?: (t: string) => string } = {}): Promise<PreflightReport> {
  const at = (opts.now ?? (() => new Date()))();
  const scrub = opts.scrub ?? ((t: string) => t);
  const t0 = performance.now();
  const results = (await Promise.all(checks.map((c) => runOne(c, scrub)))).flat();
  return { at: at.toISOString(), level: worst(results.map((r) => r.level)), results, ms: Math.round(performance.now() - t0) };
}

async function runOne(c: PreflightCheck, scrub: (t: string) => string): Promise<PreflightResult[]> {
  const r = await runGuarded(c, scrub);
  return Array.isArray(r) ? r : [r];
}

async function runGuarded(c: PreflightCheck, scrub: (t: string) => string): Promise<PreflightResult | PreflightResult[]> {
  const timeoutMs = c.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const t0 = performance.now();
  const base = { id: c.id, title: c.title, ...(c.market !== undefined ? { market: c.market } : {}) };
  let timer: NodeJS.Timeout | undefined;
  try {
    const v = await Promise.race([
      c.run(),
      new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), timeoutMs);
        timer.unref();
      }),
    ]);
    const ms = Math.round(performance.now() - t0);
    if (v === 'timeout') return { ...base, level: 'fail', saw: `no answer within ${timeoutMs} ms`, fix: c.fixOnError ?? `${c.title}: the service did not answer; check that it runs and is reachable, then run preflight again.`, ms };
    if (v.parts && v.parts.length > 0) {
      // A split check: one result per part (each with the check's time: they were seen together).
      return v.parts.map((p) => ({ ...base, id: `${c.id}.${p.key}`, title: p.title, level: p.level, saw: scrub(p.saw), fix: p.level === 'pass' ? null : scrub(p.fix ?? `${p.title}: see what it saw.`), ms }));
    }
    return { ...base, level: v.level, saw: scrub(v.saw), fix: v.level === 'pass' ? null : scrub(v.fix ?? `${c.title}: see what it saw.`), ms };
  } catch (err) {
    const ms = Math.round(performance.now() - t0);
    const text = err instanceof Error ? err.message : String(err);
    // A service this check needs is down: say so, and point at that service's fix.
    if (err instanceof PreflightBlocked) return { ...base, level: 'fail', saw: scrub(text).slice(0, 300), fix: scrub(err.fix), ms };
    return { ...base, level: 'fail', saw: scrub(`error: ${text}`).slice(0, 300), fix: c.fixOnError ?? `${c.title}: fix the error above, then run preflight again.`, ms };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** The worst level of a list (an empty list passes). */
export function worst(levels: readonly PreflightLevel[]): PreflightLevel {
  return levels.includes('fail') ? 'fail' : levels.includes('warn') ? 'warn' : 'pass';
}
