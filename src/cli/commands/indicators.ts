import { parseArgs } from 'node:util';
import { indicatorTable } from '../../engine/indicators/table.js';
import type { CliCommand } from '../command.js';
import { readCsvSeries } from '../read-csv-series.js';

export const indicatorsCommand: CliCommand = {
  name: 'indicators',
  summary: 'Indicator columns for every bar of a CSV file',
  usage: 'courtside indicators --csv FILE [--json] [--last N]',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { csv: { type: 'string' }, json: { type: 'boolean' }, last: { type: 'string' } }, strict: true });
    const series = await readCsvSeries(values.csv);
    let rows = indicatorTable(series);
    if (values.last !== undefined) rows = rows.slice(-Math.max(1, Number(values.last) || 1));
    if (values.json) {
      io.stdout(JSON.stringify(rows) + '\n');
      return 0;
    }
    const cols = ['date', 'close', 'sma200', 'atr14', 'rsi14', 'donchianUpper55', 'ibs'] as const;
    io.stdout(cols.join('\t') + '\n');
    for (const r of rows) io.stdout(cols.map((c) => (r[c] === null ? '' : typeof r[c] === 'number' ? Number(r[c]).toFixed(4) : r[c])).join('\t') + '\n');
    return 0;
  },
};
