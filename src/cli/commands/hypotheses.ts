import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { BarsStore } from '../../adapters/bars/store.js';
import { createDataSource } from '../../adapters/db/data-source.js';
import { tableExists } from '../../adapters/db/server-facts.js';
import { TypeOrmUnitOfWork } from '../../adapters/db/unit-of-work.js';
import { loadConfig } from '../../app/config/config.js';
import { MARKET_IDS, type MarketId } from '../../engine/hypotheses/definition.js';
import { HYPOTHESIS_STATES, type HypothesisState } from '../../engine/hypotheses/states.js';
import { AuditLog } from '../../trading/audit/audit-log.js';
import { BacktestCancelledError } from '../../trading/backtest/data.js';
import { HypothesisStore } from '../../trading/hypotheses/store.js';
import { UsageError, type CliCommand, type CliIO } from '../command.js';
import { dryRunEvaluation } from './hypotheses-evaluate.js';
import { isIncubationEvent, keyFigures } from './hypotheses-figures.js';
import { evaluateJson, evaluateText, listJson, listText, type ListedHypothesis } from './hypotheses-output.js';

const SUMMARY = 'Living hypotheses: list them, or re-run one\'s walk-forward evaluation (dry run)';

const USAGE = `courtside hypotheses list [--market ${MARKET_IDS.join('|')}] [--state ${HYPOTHESIS_STATES.join('|')}] [--json]
       courtside hypotheses evaluate ID [--json]

  list           every stored hypothesis, newest state change first: id, market, family, state, the
                 session it entered that state, OOS trades, Sharpe and deflated Sharpe (once evaluated),
                 and the retired reason. --json gives { hypotheses: [...] } with every stored field
                 (definition, evaluation, params…) plus keyFigures.
  evaluate ID    runs that hypothesis's walk-forward evaluation NOW on the market's universe in the bars
                 store (every stored symbol) and prints its out-of-sample figures, the incubation verdict
                 with every check, the deflated Sharpe's inputs, the chosen params and the windows.
                 A DRY RUN: it changes nothing (no state change, no stored figures, no transition, no
                 audit row). Synthetic bars are flagged DEMO ("demo": true in JSON). US only for now.
  --json         one JSON object, full-precision numbers (a loss-free profit factor is "Infinity")

Reads the database DATABASE_URL names (run \`courtside migrate\` first on a new one).`;

interface Parsed {
  sub: 'list' | 'evaluate';
  id: string | null;
  market: MarketId | undefined;
  state: HypothesisState | undefined;
  json: boolean;
}

function parse(args: string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { market: { type: 'string' }, state: { type: 'string' }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const [sub, ...rest] = parsed.positionals;
  const { values } = parsed;
  if (sub === undefined) throw new UsageError('missing sub-command: `hypotheses list` or `hypotheses evaluate ID`');
  if (sub === 'list') {
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}": \`hypotheses list\` takes only --market, --state and --json`);
    const market = values.market?.toUpperCase();
    if (market !== undefined && !MARKET_IDS.includes(market as MarketId)) throw new UsageError(`--market must be one of ${MARKET_IDS.join(', ')}, got "${values.market}"`);
    const state = values.state?.toUpperCase();
    if (state !== undefined && !HYPOTHESIS_STATES.includes(state as HypothesisState)) {
      throw new UsageError(`--state must be one of ${HYPOTHESIS_STATES.join(', ')}, got "${values.state}"`);
    }
    return { sub, id: null, market: market as MarketId | undefined, state: state as HypothesisState | undefined, json: values.json === true };
  }
  if (sub === 'evaluate') {
    if (values.market !== undefined || values.state !== undefined) throw new UsageError('`hypotheses evaluate` takes no --market or --state: the hypothesis names its market');
    if (rest.length !== 1) throw new UsageError('`hypotheses evaluate` needs exactly one hypothesis ID (`courtside hypotheses list` shows them)');
    return { sub, id: rest[0]!, market: undefined, state: undefined, json: values.json === true };
  }
  throw new UsageError(`unknown sub-command "${sub}": use \`hypotheses list\` or \`hypotheses evaluate ID\``);
}

/** Opens the configured database read-only in intent; null (after saying why) when it has no hypotheses table. */
async function openDatabase(io: CliIO): Promise<DataSource | null> {
  const ds = createDataSource(loadConfig().db.url, { poolSize: 2, applicationName: 'courtside-hypotheses' });
  await ds.initialize();
  if (await tableExists(ds, 'hypotheses')) return ds;
  io.stderr('courtside hypotheses: this database has no hypotheses table yet. Fix: run `courtside migrate` (or `courtside start`, which migrates).\n');
  await ds.destroy();
  return null;
}

async function list(store: HypothesisStore, p: Parsed, io: CliIO): Promise<number> {
  const filter = { ...(p.market ? { market: p.market } : {}), ...(p.state ? { state: p.state } : {}) };
  const stored = await store.list(filter);
  const items: ListedHypothesis[] = [];
  for (const h of stored) {
    let figures = keyFigures(h.evaluation);
    // Only a hypothesis whose stored evaluation lacks a figure costs a transitions query.
    if (h.evaluation !== null && Object.values(figures).some((v) => v === null)) {
      const verdicts = (await store.transitions(h.id)).filter((t) => isIncubationEvent(t.event)).reverse();
      figures = keyFigures(h.evaluation, verdicts.map((t) => t.figures));
    }
    items.push({ ...h, keyFigures: figures });
  }
  if (p.json) {
    io.stdout(listJson(items));
    return 0;
  }
  const inAll = items.length === 0 && (p.market || p.state) ? (await store.list()).length : items.length;
  io.stdout(listText(items, { ...(p.market ? { market: p.market } : {}), ...(p.state ? { state: p.state } : {}) }, inAll));
  return 0;
}

async function evaluate(ds: DataSource, store: HypothesisStore, p: Parsed, io: CliIO): Promise<number> {
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  let result;
  try {
    result = await dryRunEvaluation(store, new BarsStore(ds), p.id!, { shouldCancel: () => interrupted });
  } catch (err) {
    if (err instanceof BacktestCancelledError) {
      io.stderr('evaluation interrupted; nothing was stored or changed\n');
      return 130;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
  switch (result.kind) {
    case 'not_found':
      io.stderr(`courtside hypotheses: no hypothesis has id "${result.id}". Fix: \`courtside hypotheses list\` shows every id.\n`);
      return 2;
    case 'market_not_available':
      io.stderr(
        `courtside hypotheses: evaluating ${result.hypothesis.market} hypotheses is not available yet: the bars store holds the US universe only (the Korean market issue adds KR). Nothing was changed.\n`,
      );
      return 1;
    case 'no_bars':
      io.stderr('courtside hypotheses: no bars stored, so there is no universe to evaluate on. Fix: `courtside data seed` or `courtside data import <csv>`.\n');
      return 1;
    case 'cannot_evaluate':
      io.stderr(`courtside hypotheses: ${result.hypothesis.id} cannot be evaluated on the stored bars: ${result.message}. Nothing was changed.\n`);
      return 1;
    case 'done':
      io.stdout(p.json ? evaluateJson(result.report) : evaluateText(result.report));
      return 0;
  }
}

/** `courtside hypotheses`: the stored living hypotheses, and a dry-run re-evaluation of one. */
export const hypothesesCommand: CliCommand = {
  name: 'hypotheses',
  summary: SUMMARY,
  usage: USAGE,
  async run(args, io) {
    const p = parse(args);
    const ds = await openDatabase(io);
    if (ds === null) return 1;
    try {
      const store = new HypothesisStore(new TypeOrmUnitOfWork(ds), new AuditLog(new TypeOrmUnitOfWork(ds)));
      return p.sub === 'list' ? await list(store, p, io) : await evaluate(ds, store, p, io);
    } finally {
      await ds.destroy();
    }
  },
};
