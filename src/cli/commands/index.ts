import type { CliCommand } from '../command.js';

/** A sub-command known by name and summary; its module (and heavy dependencies) load only when it runs. */
export interface CliEntry {
  name: string;
  summary: string;
  load(): Promise<CliCommand>;
}

/** Every `courtside` sub-command. */
export const CLI_COMMANDS: readonly CliEntry[] = [
  { name: 'start', summary: 'Run the robot (all roles, or --role bot|worker|scheduler)', load: async () => (await import('./start.js')).startCommand },
  { name: 'migrate', summary: 'Create the database if missing and apply pending migrations', load: async () => (await import('./migrate.js')).migrateCommand },
  { name: 'chat', summary: 'Send one message to a running local instance and print the replies', load: async () => (await import('./chat.js')).chatCommand },
  { name: 'audit', summary: 'Verify the audit hash chain (audit verify)', load: async () => (await import('./audit.js')).auditCommand },
  { name: 'indicators', summary: 'Indicator columns for every bar of a CSV file', load: async () => (await import('./indicators.js')).indicatorsCommand },
  { name: 'signals', summary: 'Every historical signal of a strategy on a CSV file', load: async () => (await import('./signals.js')).signalsCommand },
  { name: 'patterns', summary: 'Pattern families: list them, or every historical signal of one on a CSV file', load: async () => (await import('./patterns.js')).patternsCommand },
  { name: 'hypotheses', summary: "Living hypotheses: list them, or re-run one's walk-forward evaluation (dry run)", load: async () => (await import('./hypotheses.js')).hypothesesCommand },
  { name: 'data', summary: 'Bars store: import CSV bars, seed the default data, show what is stored', load: async () => (await import('./data.js')).dataCommand },
  { name: 'scan', summary: "Today's picks from the stored bars", load: async () => (await import('./scan.js')).scanCommand },
  { name: 'backtest', summary: 'Backtest donchian / turtle_soup on CSVs or a universe; stores the run in Postgres', load: async () => (await import('./backtest.js')).backtestCommand },
  { name: 'orders', summary: 'Orders stuck after a crash (orders stuck [--json])', load: async () => (await import('./orders.js')).ordersCommand },
  { name: 'calendar', summary: 'NYSE sessions, holidays and early closes of a year', load: async () => (await import('./calendar.js')).calendarCommand },
  { name: 'preflight', summary: 'Check that everything is ready before trading (preflight [--market us] [--json])', load: async () => (await import('./preflight.js')).preflightCommand },
  { name: 'journal', summary: 'The decision journal (journal [--symbol S] [--from D] [--to D] [--json])', load: async () => (await import('./journal.js')).journalCommand },
  { name: 'risk', summary: 'Value at risk and expected shortfall of the open positions (risk [--json])', load: async () => (await import('./risk.js')).riskCommand },
  { name: 'config', summary: 'The effective configuration with its sources, secrets redacted (config show [--json])', load: async () => (await import('./config.js')).configCommand },
];
