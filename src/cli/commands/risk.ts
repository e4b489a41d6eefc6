import { parseArgs } from 'node:util';
import { createDataSource } from '../../adapters/db/data-source.js';
import { tableExists } from '../../adapters/db/server-facts.js';
import { TypeOrmUnitOfWork } from '../../adapters/db/unit-of-work.js';
import { loadConfig } from '../../app/config/config.js';
import { riskView } from '../../bot/views/risk-view.js';
import { closesFromBars } from '../../trading/risk/closes-source.js';
import { loadRiskReport } from '../../trading/risk/var-report.js';
import { UsageError, type CliCommand } from '../command.js';

const USAGE = `courtside risk [--json]

  The open positions' one-day value at risk and expected shortfall at 95 % and 99 % (US, USD), by
  bootstrap of the joint daily returns of the last VAR_LOOKBACK sessions (VAR_PATHS paths drawn
  from VAR_SEED), as /risk shows them. --json prints the report: each position's value and price
  source, the equity, the seed, paths and window, the symbols left out for missing bars, and the
  VaR and ES at each level with the tail size k (VaR = the k-th largest path loss).`;

/** `courtside risk [--json]`: the same report as /risk, from the database the settings name. */
export const riskCommand: CliCommand = {
  name: 'risk',
  summary: 'Value at risk and expected shortfall of the open positions (risk [--json])',
  usage: USAGE,
  async run(args, io) {
    let json: boolean | undefined;
    try {
      ({ json } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true, allowPositionals: false }).values);
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    const config = loadConfig();
    const ds = createDataSource(config.db.url, { poolSize: 2, applicationName: 'courtside-risk' });
    await ds.initialize();
    try {
      if (!(await tableExists(ds, 'positions'))) {
        io.stderr('The database has no positions table yet: run `courtside migrate`.\n');
        return 1;
      }
      const db = new TypeOrmUnitOfWork(ds);
      const report = await loadRiskReport({ db, closes: closesFromBars(db), settings: config.risk }, new Date());
      io.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : `${riskView(report).text}\n`);
      return 0;
    } finally {
      await ds.destroy();
    }
  },
};
