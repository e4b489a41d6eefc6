import type { CliCommand } from '../command.js';

/** `courtside risk [--json]`. SCAFFOLD: filled in by the value-at-risk work. */
export const riskCommand: CliCommand = {
  name: 'risk',
  summary: 'Value at risk and expected shortfall of the open positions (risk [--json])',
  usage: 'courtside risk [--json]',
  async run() {
    throw new Error('courtside risk is not built yet');
  },
};
