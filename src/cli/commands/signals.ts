import { parseArgs } from 'node:util';
import { STRATEGY_IDS, type StrategyId } from '../../engine/signal.js';
import { strategyById } from '../../engine/strategies/index.js';
import { StrategyParamError } from '../../engine/strategies/params.js';
import { UsageError, type CliCommand } from '../command.js';
import { readCsvSeries } from '../read-csv-series.js';

export const signalsCommand: CliCommand = {
  name: 'signals',
  summary: 'Every historical signal of a strategy on a CSV file',
  usage: `courtside signals --csv FILE --strategy ${STRATEGY_IDS.join('|')} [--param k=v ...] [--json]`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { csv: { type: 'string' }, strategy: { type: 'string' }, param: { type: 'string', multiple: true }, json: { type: 'boolean' } },
      strict: true,
    });
    const id = values.strategy as StrategyId | undefined;
    if (!id || !STRATEGY_IDS.includes(id)) throw new UsageError(`--strategy must be one of ${STRATEGY_IDS.join(', ')}`);
    const def = strategyById(id);
    let params: object;
    try {
      params = def.parseParams(values.param ?? []);
    } catch (err) {
      if (err instanceof StrategyParamError) throw new UsageError(err.message);
      throw err;
    }
    const series = await readCsvSeries(values.csv);
    const signals = def.signals(series, params);
    if (values.json) {
      io.stdout(JSON.stringify(signals) + '\n');
      return 0;
    }
    io.stdout(`${signals.length} ${def.title} signals on ${series.symbol} (${series.dates[0]} … ${series.dates[series.dates.length - 1]})\n`);
    for (const s of signals) io.stdout(`${s.date}  close ${s.close.toFixed(2)}  stop ${s.stop.toFixed(2)}${s.target === null ? '' : `  target ${s.target.toFixed(2)}`}  score ${s.score.toFixed(2)}\n`);
    return 0;
  },
};
