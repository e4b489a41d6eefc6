import { bold, fmt, join } from 'telegraf/format';
import { roleAllows } from '../../lib/roles.js';
import { defineCommand, noArgs, type CommandDef } from './define.js';
import { killCommand } from './kill.js';
import { resumeCommand } from './resume.js';
import { backtestCommand } from './backtest.js';
import { picksCommand, scanCommand } from './scan.js';
import { startCommand } from './start.js';
import { statusCommand } from './status.js';
import { approveCommand, rejectCommand } from './approve.js';
import { ordersCommand, pnlCommand, positionsCommand } from './portfolio.js';
import { digestCommand } from './digest.js';
import { settingsCommand } from './settings.js';
import { resolveCommand, stuckCommand } from './stuck.js';
import { cancelCommand } from './cancel.js';
import { closeCommand } from './close.js';
import { hypothesesCommand, hypothesisCommand, promoteCommand, retireCommand } from './hypotheses.js';
import { journalCommand } from './journal.js';
import { preflightCommand } from './preflight.js';
import { riskCommand } from './risk.js';

const helpCommand = defineCommand({
  name: 'help',
  summary: 'This list',
  usage: '/help',
  role: 'viewer',
  args: noArgs,
  async run({ reply, role }) {
    const lines = COMMANDS.map((c) => {
      const allowed = roleAllows(role, c.role);
      return fmt`${c.usage} — ${c.summary}${allowed ? '' : ` (${c.role} only)`}`;
    });
    await reply(fmt`${bold`Commands`}\n${join(lines, '\n')}\n\nYour role: ${role}.`);
  },
});

/** Every command, in /help order. */
export const COMMANDS: readonly CommandDef<any>[] = [startCommand, helpCommand, statusCommand, scanCommand, picksCommand, approveCommand, rejectCommand, positionsCommand, closeCommand, ordersCommand, cancelCommand, pnlCommand, riskCommand, digestCommand, settingsCommand, backtestCommand, hypothesesCommand, hypothesisCommand, promoteCommand, retireCommand, killCommand, resumeCommand, stuckCommand, resolveCommand, preflightCommand, journalCommand];

export const COMMANDS_BY_NAME: ReadonlyMap<string, CommandDef<any>> = new Map(COMMANDS.map((c) => [c.name, c]));
