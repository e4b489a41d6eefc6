import { z } from 'zod';
import { MARKET_IDS, type MarketId } from '../../engine/hypotheses/definition.js';
import { askPromoteFor, askRetireFor } from '../callbacks/hypotheses.js';
import { defineCommand } from './define.js';

/** A hypothesis id as typed: letters and digits (the store matches it case-insensitively; an unknown one is answered as such). */
const ID = /^[A-Za-z0-9]{1,70}$/;

/** Zod schema of one hypothesis id argument; `usage` names the command in the error. */
export function hypothesisIdArgs(usage: string) {
  return z
    .object({ tokens: z.array(z.string()), text: z.string() })
    .superRefine((a, ctx) => {
      if (a.tokens.length !== 1) ctx.addIssue({ code: 'custom', message: `needs one hypothesis id, e.g. ${usage} h1a2b3c4d (send /hypotheses to list them)` });
      else if (!ID.test(a.tokens[0]!)) ctx.addIssue({ code: 'custom', message: `"${a.tokens[0]!.slice(0, 20)}" is not a hypothesis id: ids look like h1a2b3c4d (send /hypotheses to list them)` });
    })
    .transform((a) => ({ id: a.tokens[0]!.toLowerCase() }));
}

/** Zod schema of /hypotheses' arguments: nothing (every market) or one market, any case. */
export const hypothesesArgs = z
  .object({ tokens: z.array(z.string()).max(1, `takes at most one market: ${MARKET_IDS.join(' or ')}`), text: z.string() })
  .transform((a) => a.tokens[0]?.toUpperCase())
  .pipe(z.enum(MARKET_IDS as [MarketId, ...MarketId[]], { error: (iss) => `market must be ${MARKET_IDS.join(' or ')}, not "${String(iss.input).slice(0, 10)}"` }).optional());

/** /hypotheses [market]: counts per state (with caps), the top of each state, a lifecycle chart. */
export const hypothesesCommand = defineCommand({
  name: 'hypotheses',
  summary: 'Living hypotheses: how many in each state (with caps), the top of each, a lifecycle chart',
  usage: '/hypotheses [US|KR]',
  role: 'viewer',
  args: hypothesesArgs,
  async run({ deps, chatId, userId, role, updateId, args }) {
    await deps.jobs.add('command.hypotheses', { updateId, chatId, userId, role, ...(args ? { market: args } : {}) }, { jobId: `tg-${updateId}` });
  },
});

/** /hypothesis ID: its figures, checks, transitions and out-of-sample equity chart. */
export const hypothesisCommand = defineCommand({
  name: 'hypothesis',
  summary: 'One hypothesis: its walk-forward figures and checks, every transition, its equity chart',
  usage: '/hypothesis ID',
  role: 'viewer',
  args: hypothesisIdArgs('/hypothesis'),
  async run({ deps, chatId, userId, role, updateId, args }) {
    await deps.jobs.add('command.hypothesis', { updateId, chatId, userId, role, id: args.id }, { jobId: `tg-${updateId}` });
  },
});

/** /retire ID: an admin retires a hypothesis after a confirm bound to its id and version. */
export const retireCommand = defineCommand({
  name: 'retire',
  summary: 'Retire a hypothesis for good (asks for a confirmation bound to its current state)',
  usage: '/retire ID',
  role: 'admin',
  args: hypothesisIdArgs('/retire'),
  async run({ deps, args, userId, role, reply }) {
    await askRetireFor(deps, reply, { id: args.id, by: userId, role });
  },
});

/** /promote ID: an admin gets the Promote card of a PAPER hypothesis that qualifies now (no force-promote). */
export const promoteCommand = defineCommand({
  name: 'promote',
  summary: 'Promote a qualifying PAPER hypothesis to LIVE (shows its card; Promote is bound to its current state)',
  usage: '/promote ID',
  role: 'admin',
  args: hypothesisIdArgs('/promote'),
  async run({ deps, args, userId, role, chatId, reply }) {
    await askPromoteFor(deps, reply, { id: args.id, by: userId, role, chatId });
  },
});
