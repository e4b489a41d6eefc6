import { bold, fmt } from 'telegraf/format';
import { defineCommand, noArgs } from './define.js';

export const startCommand = defineCommand({
  name: 'start',
  summary: 'Welcome and your role',
  usage: '/start',
  role: 'viewer',
  args: noArgs,
  async run({ reply, role, deps }) {
    const mode = deps.config.local.enabled ? 'local mode (emulated Telegram, demo data)' : 'live Telegram';
    await reply(
      fmt`👋 ${bold`Courtside`} — your trading robot.\nNo order is ever placed without your tap on Approve; /kill halts all trading at once.\n\nYou are signed in as ${bold(role)} · ${mode}.\nSend /help for the commands.`,
    );
  },
});
