import type { CheckPart, PreflightCheck } from '../types.js';
import type { BarsProbe, DatasetRow } from './ports.js';

export interface DataSourcesDeps {
  market: string;
  bars: BarsProbe;
  now: () => number;
  /** The latest session whose close has passed at an instant (our calendar). */
  lastCompletedSession: (nowMs: number) => string;
  /** Sessions strictly after `from` up to and including `to`. */
  sessionsAfter: (from: string, to: string) => number;
}

/** The bundled real sample files: fixed history that never updates, so their age is shown, not failed. */
const BUNDLED = 'sample';

function fixFor(source: string): string {
  if (source === 'synthetic') return 'Run `courtside data seed` (or restart a worker: it seeds on start) to extend the DEMO bars to the last session.';
  if (source.startsWith('csv:')) return `Import newer bars: \`courtside data import <file>\` for ${source.slice(4)}.`;
  return `Update the ${source} bars (re-run its import), then run preflight again.`;
}

/**
 * One result per data source in the bars store: it answered, its newest bar
 * against the last completed session by our calendar (behind → ✗ with the
 * dates), and its universe size. No bars at all is a ✗ (a scan would find nothing).
 */
export function dataSourcesCheck(d: DataSourcesDeps): PreflightCheck {
  return {
    id: `data.${d.market}`,
    title: `Data (${d.market})`,
    market: d.market,
    run: async () => {
      const rows = await d.bars.datasets();
      const expected = d.lastCompletedSession(d.now());
      if (rows.length === 0) return { level: 'fail', saw: 'no bars stored: a scan would find nothing', fix: 'Run `courtside data seed` (DEMO data) or `courtside data import <csv>`, then run preflight again.' };
      const total = rows.reduce((n, r) => n + r.symbols, 0);
      return { level: 'pass', saw: `${total} symbols`, parts: rows.map((r) => part(r, expected, d)) };
    },
  };
}

function part(r: DatasetRow, expected: string, d: DataSourcesDeps): CheckPart {
  const title = `Data: ${r.source}${r.demo ? ' (DEMO)' : ''}`;
  const key = r.source.replace(/[^A-Za-z0-9_-]+/g, '_');
  const size = `${r.symbols} symbol${r.symbols === 1 ? '' : 's'}`;
  if (r.lastDate >= expected) return { key, title, level: 'pass', saw: `${size}, last bar ${r.lastDate} (the last completed session)` };
  const behind = d.sessionsAfter(r.lastDate, expected);
  const saw = `${size}, last bar ${r.lastDate}; the last completed session is ${expected} (${behind} session${behind === 1 ? '' : 's'} behind)`;
  if (r.source === BUNDLED) return { key, title, level: 'warn', saw: `${saw}: the bundled sample files are fixed history`, fix: 'Import current bars for these symbols (`courtside data import <csv>`) if you scan them.' };
  return { key, title, level: 'fail', saw: `stale: ${saw}`, fix: fixFor(r.source) };
}
