import { z } from 'zod';
import type { Context } from 'telegraf';
import { decideApprove, decideReject, type DecisionAnswer, type DecisionRequest } from '../callbacks/approvals.js';
import type { BotDeps } from '../deps.js';
import { defineCommand } from './define.js';

/** Pick ids as the cards print them (`p` + base-36 hash): validated before anything touches the database. */
const pickIdArg = z
  .object({ tokens: z.array(z.string()).length(1, 'needs exactly one pick id, e.g. /approve p1a2b3c (see /picks)'), text: z.string() })
  .transform((a) => a.tokens[0]!)
  .pipe(z.string().regex(/^[A-Za-z0-9_-]{1,24}$/, 'a pick id is letters and digits, e.g. p1a2b3c (see /picks)'));

type Decide = (deps: BotDeps, telegram: Context['telegram'], req: DecisionRequest) => Promise<DecisionAnswer>;

function decisionCommand(name: 'approve' | 'reject', decide: Decide, summary: string) {
  return defineCommand({
    name,
    summary,
    usage: `/${name} <pick id>`,
    role: 'trader',
    args: pickIdArg,
    async run({ ctx, args, deps, userId, role, chatId, reply }) {
      const answer = await decide(deps, ctx.telegram, { pickId: args, userId, role, name: ctx.from?.first_name ?? String(userId), chatId });
      await reply(answer.text);
    },
  });
}

/** Same atomic decision as the card's Approve button. */
export const approveCommand = decisionCommand('approve', decideApprove, 'Approve a pick by id: places its order after the risk gates');
export const rejectCommand = decisionCommand('reject', decideReject, 'Reject a pick by id: nothing will be ordered');
