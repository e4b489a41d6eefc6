import { z } from 'zod';
import type { Role } from '../../lib/roles.js';
import type { PnlPeriod } from '../../trading/portfolio/types.js';
import { PNL_PERIODS } from '../../trading/portfolio/types.js';
import type { BotDeps } from '../deps.js';
import { defineCommand, noArgs } from './define.js';

/** The jobs these commands enqueue (the worker answers through the notify queue). */
export type PortfolioJobName = 'command.positions' | 'command.orders' | 'command.pnl';

interface Ctx {
  updateId: number;
  chatId: number;
  userId: number;
  role: Role;
}

/** Enqueues with jobId `tg-<updateId>`, so a redelivered update never asks twice. */
async function enqueue(deps: BotDeps, name: PortfolioJobName, payload: Ctx & { period?: PnlPeriod }): Promise<void> {
  if (name === 'command.pnl') await deps.jobs.add(name, { ...payload, period: payload.period ?? 'day' }, { jobId: `tg-${payload.updateId}` });
  else await deps.jobs.add(name, payload, { jobId: `tg-${payload.updateId}` });
}

/** /positions: open positions with unrealized P&L and a chart. */
export const positionsCommand = defineCommand({
  name: 'positions',
  summary: 'Open positions with unrealized P&L and a chart',
  usage: '/positions',
  role: 'viewer',
  args: noArgs,
  async run({ deps, chatId, userId, role, updateId }) {
    await enqueue(deps, 'command.positions', { updateId, chatId, userId, role });
  },
});

/** /orders: the latest 10 orders, entries and exits. */
export const ordersCommand = defineCommand({
  name: 'orders',
  summary: 'The latest 10 orders (entries and exits) with their state',
  usage: '/orders',
  role: 'viewer',
  args: noArgs,
  async run({ deps, chatId, userId, role, updateId }) {
    await enqueue(deps, 'command.orders', { updateId, chatId, userId, role });
  },
});

/** Zod schema of /pnl's arguments: at most one token, day|week|month (any case), default day. */
export const pnlArgs = z
  .object({ tokens: z.array(z.string()).max(1, 'takes at most one argument: day, week or month'), text: z.string() })
  .transform((a) => a.tokens[0]?.toLowerCase() ?? 'day')
  .pipe(z.enum(PNL_PERIODS, { error: (iss) => `period must be day, week or month, not "${String(iss.input).slice(0, 20)}"` }));

/** /pnl [day|week|month]: realized and unrealized P&L with an equity chart. */
export const pnlCommand = defineCommand({
  name: 'pnl',
  summary: 'Realized and unrealized P&L with the equity curve (day, week = 5 sessions, month = 21)',
  usage: '/pnl [day|week|month]',
  role: 'viewer',
  args: pnlArgs,
  async run({ deps, chatId, userId, role, updateId, args }) {
    await enqueue(deps, 'command.pnl', { updateId, chatId, userId, role, period: args });
  },
});
