import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { BarsStore } from '../../adapters/bars/store.js';
import { loadConfig, migrationSetting } from '../../app/config/config.js';
import { createDataSource } from '../../adapters/db/data-source.js';
import { ensureDatabase } from '../../adapters/db/ensure-database.js';
import { migrateAs } from '../../adapters/db/migrate.js';
import { rankSignals, scanLatest, strategyLookback, suggestSize } from '../../engine/scan/index.js';
import { sessionsEndingAt } from '../../engine/data-quality/index.js';
import { STRATEGY_IDS, type StrategyId } from '../../engine/signal.js';
import { loadUniverse } from '../../adapters/market-data/universe/load-universe.js';
import { describeUnknown, unknownSymbols } from '../../trading/backtest/known-symbols.js';
import { UsageError, type CliCommand } from '../command.js';
import { roundedScanJson } from '../scan-json.js';

export const scanCommand: CliCommand = {
  name: 'scan',
  summary: "Today's picks from the stored bars (read-only; /scan in Telegram also posts cards)",
  usage: `courtside scan [--universe FILE] [--strategy all|${STRATEGY_IDS.join('|')}] [--json]`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { universe: { type: 'string' }, strategy: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
    const choice = values.strategy ?? 'all';
    if (choice !== 'all' && !STRATEGY_IDS.includes(choice as StrategyId)) throw new UsageError(`--strategy must be all or one of ${STRATEGY_IDS.join(', ')}`);
    const strategies: StrategyId[] = choice === 'all' ? [...STRATEGY_IDS] : [choice as StrategyId];
    let wanted: Set<string> | null = null;
    if (values.universe) {
      let text: string;
      try {
        text = await readFile(values.universe, 'utf8');
      } catch {
        throw new UsageError(`cannot read ${values.universe}`);
      }
      let u: ReturnType<typeof loadUniverse>;
      try {
        u = loadUniverse(text, { source: values.universe });
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      if (u.errors.length) throw new UsageError(`${values.universe}: ${u.errors.slice(0, 5).map((e) => `line ${e.line}: ${e.message}`).join("; ")}`);
      wanted = new Set(u.entries.map((e) => e.symbol));
    }
    const config = loadConfig();
    await ensureDatabase(config.db.migrationUrl, migrationSetting(config));
    const ds = createDataSource(config.db.url, { poolSize: 3 });
    await ds.initialize();
    try {
      await migrateAs(config.db, ds);
      const store = new BarsStore(ds);
      // Scans trade the US market: KR bars in the store are not part of its universe.
      const stored = await store.listSymbols({ market: 'US' });
      // A universe symbol with no stored bars is a typo or a missing import: say which, never drop it silently.
      if (wanted) {
        const unknown = unknownSymbols([...wanted], stored.map((m) => m.symbol));
        if (unknown.length > 0) throw new UsageError(`${values.universe}: ${describeUnknown(unknown)} (no stored bars; \`courtside data status\` lists what is stored)`);
      }
      const members = stored.filter((m) => !wanted || wanted.has(m.symbol));
      if (members.length === 0) {
        io.stderr('No bars stored for that universe. Run `npx courtside data seed` or `npx courtside data import <csv>` first.\n');
        return 1;
      }
      const asOf = members.reduce((a, m) => (m.lastDate > a ? m.lastDate : a), members[0]!.lastDate);
      const series = await store.loadUniverse(members.map((m) => m.symbol));
      // The same calendar check as /scan: a strategy skips a symbol missing a session inside its look-back.
      const calendar = { sessions: sessionsEndingAt(asOf, Math.max(...strategies.map((id) => strategyLookback(id)))) };
      const out = scanLatest([...series.values()], asOf, strategies, {}, calendar);
      const demo = new Set(members.filter((m) => m.demo).map((m) => m.symbol));
      const picks = rankSignals(out.signals).map((s) => ({ ...s, demo: demo.has(s.symbol), suggested: suggestSize(s, config.scan.sizing) }));
      if (values.json) {
        io.stdout(JSON.stringify(roundedScanJson({ asOf, evaluated: out.evaluated, skipped: out.skipped, picks })) + '\n');
        return 0;
      }
      io.stdout(`Scan as of ${asOf}: ${out.evaluated} symbols evaluated, ${out.skipped.length} skipped (stale or short), ${picks.length} picks${demo.size ? ' (DEMO data included)' : ''}\n`);
      for (const p of picks) {
        io.stdout(`${p.symbol.padEnd(6)} ${p.strategy.padEnd(11)} entry ${p.close.toFixed(2)} stop ${p.stop.toFixed(2)} qty ${p.suggested.qty} risk $${p.suggested.dollarRisk.toFixed(0)} score ${p.score.toFixed(2)}${p.demo ? ' DEMO' : ''}\n`);
      }
      return 0;
    } finally {
      await ds.destroy();
    }
  },
};
