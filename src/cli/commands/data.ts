/**
 * `courtside data import|seed|status`: the bars store from the command line.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BarsStore } from '../../adapters/bars/store.js';
import { csvFilesAt, importCsvPath, CsvImportInputError, type CsvFileReport, type CsvImportReport } from '../../adapters/bars/import-csv.js';
import { krDemoEndDate, seedDemoDatasets, type KrDemoSeedReport, type SeedReport } from '../../adapters/bars/seed.js';
import type { BarsStatus } from '../../adapters/bars/types.js';
import { demoRegeneratedText } from '../../bot/views/demo-data-view.js';
import { DEMO_GENERATOR_VERSION } from '../../adapters/market-data/synthetic/generator-version.js';
import { loadUniverse, UniverseFileError, type UniverseEntry } from '../../adapters/market-data/universe/load-universe.js';
import { loadConfig, migrationSetting } from '../../app/config/config.js';
import { createDataSource } from '../../adapters/db/data-source.js';
import { ensureDatabase } from '../../adapters/db/ensure-database.js';
import { migrateAs } from '../../adapters/db/migrate.js';
import { nyToday, previousSession } from '../../engine/calendar/index.js';
import { TypeOrmUnitOfWork } from '../../adapters/db/unit-of-work.js';
import type { DataFinding } from '../../engine/data-quality/index.js';
import { runDataCheck, type DataCheckReport } from '../../trading/data-check/check.js';
import { dataCheckCalendar, dataCheckOverridesText } from '../../trading/data-check/market-calendar.js';
import { sharedCalendarOverrides } from '../../trading/calendar/overrides-source.js';
import { saveDataCheck } from '../../trading/data-check/store.js';
import { isIsoDate } from '../../lib/dates.js';
import { UsageError, type CliCommand, type CliIO } from '../command.js';

const USAGE = `courtside data import <file-or-folder> [--symbol SYM] [--replace] [--json]
       courtside data seed [--end-date YYYY-MM-DD] [--universe FILE] [--force] [--json]
       courtside data status [--json]
       courtside data check [--market us|kr] [--json]

  import   Store daily bars from a CSV file named after its symbol (AAPL.csv, or the
           six-digit KRX code: 069500.csv) or a folder of them; columns
           date,open,high,low,close,volume and optionally market (US or KR, must agree
           with the symbol). KR bars must fall on KRX sessions and be whole won.
           Unreadable lines and bars failing the quality checks are reported and skipped.
           --symbol SYM  symbol for a single file not named after it
           --replace     the file becomes the symbol's whole history (default: merge)
           Exit 0: everything stored; 1: some lines or bars rejected (the rest stored).
  seed     Store the bundled real samples, the synthetic DEMO universe and the KR DEMO
           ETFs (synthetic KRX bars in won; idempotent).
           --end-date    last session of the synthetic history (default: the last
                         NYSE session before today; KR: the last KRX session closed,
                         or the KRX session on or before --end-date)
           --universe    a universe CSV (a symbol column) whose symbols get the DEMO
                         bars, instead of the bundled ~900-symbol universe
           --force       re-check every symbol even when the store says it is seeded
  status   Datasets, symbols, last bar dates and DEMO flags.
  check    Every stored symbol of a market against its exchange calendar: missing_session
           (a session without a bar between the symbol's first and last bar) and stale (no
           bar for the last completed session). The counts are kept for /status. A symbol
           with a missing session inside a strategy's look-back is not scanned by it (the
           decision journal says so). --market us (default: NYSE) or kr (KRX).
           Exit 0: no findings; 1: findings listed.
  --json   print JSON instead of text`;

const MAX_LISTED = 20;

function parse<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], options: T, positionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (parsed.positionals.length !== positionals) {
    throw new UsageError(
      positionals === 0 ? `unexpected argument "${parsed.positionals[0]}"` : parsed.positionals.length === 0 ? 'missing <file-or-folder>' : `expected one path, got ${parsed.positionals.length}`,
    );
  }
  return parsed;
}

/** Opens the configured database (created and migrated if needed) and runs `fn` with a store. */
async function withStore<T>(fn: (store: BarsStore, db: TypeOrmUnitOfWork) => Promise<T>): Promise<T> {
  const config = loadConfig();
  await ensureDatabase(config.db.migrationUrl, migrationSetting(config));
  // Two connections for migrate-with-lock, then a bulk write uses two plus one for the seed lock.
  const ds = createDataSource(config.db.url, { poolSize: 4, applicationName: 'courtside-data' });
  await ds.initialize();
  try {
    await migrateAs(config.db, ds);
    return await fn(new BarsStore(ds, { cacheDir: join(config.home, 'cache') }), new TypeOrmUnitOfWork(ds));
  } finally {
    await ds.destroy();
  }
}

const fmtInt = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`) => `${fmtInt(n)} ${n === 1 ? one : many}`;

function fileLines(r: CsvFileReport): string[] {
  const head = r.symbol ? `${r.file} → ${r.symbol}` : r.file;
  if (r.error && r.stored === 0 && r.csvErrors.length === 0) return [`${head}: not imported: ${r.error}`];
  const rejected: string[] = [];
  if (r.csvErrors.length > 0) rejected.push(plural(r.csvErrors.length, 'unreadable line'));
  if (r.dropped > 0) rejected.push(`${plural(r.dropped, 'bar')} rejected by quality checks`);
  const lines = [
    `${head}: ${fmtInt(r.stored)} of ${plural(r.lines, 'line')} stored (${fmtInt(r.inserted)} new, ${fmtInt(r.updated)} changed, ${fmtInt(r.unchanged)} unchanged` +
      `${r.deleted > 0 ? `, ${fmtInt(r.deleted)} removed` : ''})${rejected.length > 0 ? `; ${rejected.join(', ')}` : ''}`,
  ];
  if (r.skipped) lines.push(`  not written: ${r.skipped}`);
  if (r.error) lines.push(`  ${r.error}`);
  const details = [
    ...r.csvErrors.map((e) => `  line ${e.line}: ${e.message}`),
    ...r.issues.map((i) => `  ${i.date} ${i.kind}${i.dropped ? ' (rejected)' : ' (warning)'}: ${i.detail}`),
  ];
  lines.push(...details.slice(0, MAX_LISTED));
  if (details.length > MAX_LISTED) lines.push(`  … and ${details.length - MAX_LISTED} more (--json lists all)`);
  return lines;
}

function importText(report: CsvImportReport): string {
  const lines = report.files.flatMap(fileLines);
  lines.push(
    `Imported ${plural(report.files.length, 'file')}: ${plural(report.stored, 'bar')} stored (${fmtInt(report.inserted)} new, ${fmtInt(report.updated)} changed, ` +
      `${fmtInt(report.unchanged)} unchanged)${report.rejected > 0 ? `; ${fmtInt(report.rejected)} rejected` : ''}.`,
  );
  return lines.join('\n') + '\n';
}

async function runImport(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, { symbol: { type: 'string' }, replace: { type: 'boolean' }, json: { type: 'boolean' } }, 1);
  const path = positionals[0]!;
  try {
    // Fail on a missing path before touching the database.
    const { folder } = await csvFilesAt(path);
    if (folder && values.symbol !== undefined) throw new CsvImportInputError('--symbol applies to a single file, not a folder (file names give the symbols)');
    const report = await withStore((store) =>
      importCsvPath(store, path, { ...(values.symbol !== undefined ? { symbol: values.symbol } : {}), mode: values.replace ? 'replace' : 'merge' }),
    );
    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : importText(report));
    return report.clean ? 0 : 1;
  } catch (err) {
    if (err instanceof CsvImportInputError) throw new UsageError(err.message);
    throw err;
  }
}

/** The entries of a universe CSV; a usage error (exit 2) names the file and its bad lines. */
async function readUniverseFile(path: string): Promise<UniverseEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    const u = loadUniverse(text, { source: path });
    if (u.errors.length > 0) throw new UsageError(u.errors.slice(0, 10).map((e) => `${path} line ${e.line}: ${e.message}`).join('\n'));
    if (u.entries.length === 0) throw new UsageError(`${path} lists no usable symbols`);
    return u.entries;
  } catch (err) {
    if (err instanceof UniverseFileError) throw new UsageError(err.message);
    throw err;
  }
}

function defaultEndDate(): string {
  return previousSession(nyToday(new Date()));
}

function seedText(r: SeedReport, endDate: string): string {
  if (r.upToDate) {
    return `Default data already stored (synthetic history ending ${endDate}): ${plural(r.sampleSymbols.length, 'real sample symbol')}, ${plural(r.demoSymbols, 'DEMO symbol')}; nothing to do (${(r.ms / 1000).toFixed(2)} s).\n`;
  }
  const written = (r.sample?.write.inserted ?? 0) + (r.sample?.write.updated ?? 0) + (r.synthetic?.inserted ?? 0) + (r.synthetic?.updated ?? 0);
  const kept = r.synthetic?.symbols.filter((s) => s.skipped).map((s) => s.symbol) ?? [];
  const lines = [
    ...(r.regenerated ? [demoRegeneratedText(r.demoGenerator, r.removedDemoSymbols)] : []),
    `Seeded default data (synthetic history ending ${endDate}) in ${(r.ms / 1000).toFixed(1)} s:`,
    `  real samples: ${r.sampleSymbols.join(', ') || 'none'} (source sample)`,
    `  DEMO synthetic universe: ${plural(r.demoSymbols, 'symbol')} (source synthetic — made-up data, not evidence)`,
    `  ${plural(r.reseeded, 'symbol')} checked, ${plural(written, 'bar')} written`,
  ];
  if (kept.length > 0) lines.push(`  kept real bars of ${kept.slice(0, 10).join(', ')}${kept.length > 10 ? ` and ${kept.length - 10} more` : ''} (not replaced by demo data)`);
  for (const s of r.sample?.symbols ?? []) {
    if (s.dropped > 0) lines.push(`  ${s.symbol}: ${plural(s.dropped, 'sample bar')} rejected by quality checks`);
  }
  return lines.join('\n') + '\n';
}

/** The KR DEMO line(s) under the US seed's text. */
function krSeedText(r: KrDemoSeedReport, endDate: string): string {
  if (r.upToDate) return `KR DEMO ETFs already stored (KRX history up to ${endDate}): ${plural(r.demoSymbols, 'DEMO symbol')}; nothing to do.\n`;
  const written = (r.synthetic?.inserted ?? 0) + (r.synthetic?.updated ?? 0);
  return `Seeded KR DEMO ETFs (KRX history up to ${endDate}, in won): ${plural(r.demoSymbols, 'DEMO symbol')}, ${plural(written, 'bar')} written (source synthetic — made-up data, not evidence).\n`;
}

async function runSeed(args: string[], io: CliIO): Promise<number> {
  const { values } = parse(args, { 'end-date': { type: 'string' }, universe: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } }, 0);
  const endDate = values['end-date'] ?? defaultEndDate();
  if (!isIsoDate(endDate)) throw new UsageError(`--end-date "${endDate.slice(0, 20)}" is not a YYYY-MM-DD date`);
  // A named end date is a Seoul date too (the KR seed ends on the KRX session on or before it).
  const krEndDate = values['end-date'] ?? krDemoEndDate(Date.now());
  const universe = values.universe !== undefined ? await readUniverseFile(values.universe) : undefined;
  const { us: report, kr } = await withStore((store) => seedDemoDatasets(store, { endDate, krEndDate, force: values.force === true, ...(universe ? { universe } : {}) }));
  if (values.json) {
    const { sample, synthetic, ...rest } = report;
    const summary = {
      ...rest,
      endDate,
      sample: sample && { inserted: sample.write.inserted, updated: sample.write.updated, unchanged: sample.write.unchanged, deleted: sample.write.deleted, dropped: sample.dropped },
      synthetic: synthetic && { inserted: synthetic.inserted, updated: synthetic.updated, unchanged: synthetic.unchanged, deleted: synthetic.deleted, keptReal: synthetic.symbols.filter((s) => s.skipped).map((s) => s.symbol) },
      kr: { upToDate: kr.upToDate, dataset: kr.dataset, endDate: krEndDate, demoSymbols: kr.demoSymbols, reseeded: kr.reseeded, regenerated: kr.regenerated },
    };
    io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    io.stdout(seedText(report, endDate) + krSeedText(kr, krEndDate));
  }
  return 0;
}

function statusText(s: BarsStatus): string {
  if (s.totalSymbols === 0) return 'No bars stored. Run `courtside data seed` for the default data, or `courtside data import <file-or-folder>`.\n';
  const lines = [`Bars store: ${plural(s.totalSymbols, 'symbol')}, ${plural(s.totalBars, 'bar')} (fingerprint ${s.fingerprint})`];
  if (s.demoGenerator !== null) lines.push(`DEMO data: generator v${s.demoGenerator}${s.demoGenerator < DEMO_GENERATOR_VERSION ? ` (older than this version's v${DEMO_GENERATOR_VERSION}: \`courtside data seed\` regenerates it)` : ''}`);
  lines.push('');
  const rows = [
    ['DATASET', 'DEMO', 'SYMBOLS', 'BARS', 'FIRST', 'LAST', 'UPDATED'],
    ...s.datasets.map((d) => [d.source, d.demo ? 'DEMO' : 'real', fmtInt(d.symbols), fmtInt(d.bars), d.firstDate, d.lastDate, d.updatedAt.toISOString().slice(0, 19) + 'Z']),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) lines.push(r.map((v, c) => (c >= 2 && c <= 3 ? v.padStart(widths[c]!) : v.padEnd(widths[c]!))).join('  ').trimEnd());
  lines.push('', 'Symbols:');
  const w = Math.max(...s.symbols.map((x) => x.symbol.length));
  const ws = Math.max(...s.symbols.map((x) => x.source.length));
  const wb = Math.max(...s.symbols.map((x) => fmtInt(x.barCount).length));
  for (const d of s.datasets) {
    const syms = s.symbols.filter((x) => x.source === d.source && x.demo === d.demo);
    const shown = syms.length > MAX_LISTED ? syms.slice(0, 10) : syms;
    for (const x of shown) {
      lines.push(`  ${x.symbol.padEnd(w)}  ${x.demo ? 'DEMO' : 'real'}  ${x.source.padEnd(ws)}  ${fmtInt(x.barCount).padStart(wb)} bars  ${x.firstDate} … ${x.lastDate}`);
    }
    if (shown.length < syms.length) lines.push(`  … and ${fmtInt(syms.length - shown.length)} more ${d.source} symbols (--json lists all)`);
  }
  return lines.join('\n') + '\n';
}

async function runStatus(args: string[], io: CliIO): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } }, 0);
  const status = await withStore((store) => store.status());
  io.stdout(values.json ? `${JSON.stringify(status, null, 2)}\n` : statusText(status));
  return 0;
}

const sessionsWord = (n: number) => `${fmtInt(n)} session${n === 1 ? '' : 's'}`;

/** One finding on one line. */
function findingLine(f: DataFinding, w: number): string {
  if (f.kind === 'missing_session') {
    const shown = f.dates.slice(0, 5).join(', ');
    return `  ${f.symbol.padEnd(w)}  missing_session  ${sessionsWord(f.count)} without a bar, ${f.first} … ${f.last} (${shown}${f.count > 5 ? ', …' : ''})`;
  }
  return `  ${f.symbol.padEnd(w)}  stale            ${f.lastBar === null ? 'no bars' : `last bar ${f.lastBar}`}, ${sessionsWord(f.behind)} behind ${f.expected}`;
}

/** The data check in words: the counts (they add up), then the findings. */
export function dataCheckText(r: DataCheckReport): string {
  const n = r.findings.length;
  const head =
    `Data check (${r.market}) of ${plural(r.symbols, 'symbol')} against the ${r.overrides ? dataCheckOverridesText(dataCheckCalendar(r.market).exchange, r.overrides) : `${dataCheckCalendar(r.market).exchange} calendar`}, last completed session ${r.lastCompleted}: ` +
    (n === 0
      ? 'no findings'
      : `${plural(n, 'finding')} in ${plural(r.symbolsFlagged, 'symbol')} — missing_session ${fmtInt(r.counts.missing_session)} (${sessionsWord(r.missingSessions)} without a bar), stale ${fmtInt(r.counts.stale)}`) +
    ` (${(r.ms / 1000).toFixed(1)} s).`;
  if (n === 0) return `${head}
`;
  const w = Math.max(...r.findings.map((f) => f.symbol.length));
  const lines = [head, ...r.findings.slice(0, MAX_LISTED).map((f) => findingLine(f, w))];
  if (n > MAX_LISTED) lines.push(`  … and ${fmtInt(n - MAX_LISTED)} more (--json lists all)`);
  if (r.counts.missing_session > 0) lines.push("A strategy does not scan a symbol with a missing session inside its look-back: the decision journal says so (/journal SYMBOL). Re-import the symbol's bars to fill the gap.");
  if (r.counts.stale > 0) lines.push('Stale symbols are left out of scans as of a later session: update their bars (courtside data import, or courtside data seed for the DEMO universe).');
  return `${lines.join('\n')}\n`;
}

async function runCheck(args: string[], io: CliIO): Promise<number> {
  const { values } = parse(args, { market: { type: 'string' }, json: { type: 'boolean' } }, 0);
  const given = (values.market ?? 'us').toLowerCase();
  if (given !== 'us' && given !== 'kr') throw new UsageError(`--market must be us or kr, got "${values.market}"`);
  const market = given === 'kr' ? 'KR' : 'US';
  const report = await withStore(async (store, db) => {
    // The run-time overrides (courtside calendar close): a day closed by one is no missing session.
    const r = await runDataCheck(store, market, Date.now(), undefined, sharedCalendarOverrides(db));
    await saveDataCheck(db, r);
    return r;
  });
  io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : dataCheckText(report));
  return report.findings.length === 0 ? 0 : 1;
}

export const dataCommand: CliCommand = {
  name: 'data',
  summary: 'Bars store: import CSV bars, seed the default data, show what is stored, check it against the calendar',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'import':
        return runImport(rest, io);
      case 'seed':
        return runSeed(rest, io);
      case 'status':
        return runStatus(rest, io);
      case 'check':
        return runCheck(rest, io);
      default:
        throw new UsageError(sub === undefined ? 'missing sub-command: import, seed, status or check' : `unknown sub-command "${sub}"; expected import, seed, status or check`);
    }
  },
};
