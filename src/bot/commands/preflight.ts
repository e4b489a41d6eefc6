import { z } from 'zod';
import type { BotDeps } from '../deps.js';
import type { PreflightRunner } from '../../trading/preflight/types.js';
import { preflightMessages } from '../views/preflight-view.js';
import { defineCommand } from './define.js';

/**
 * The bot process's preflight, when its role wired one (src/app/roles/bot-role.ts
 * passes `preflight: preflightRunner(app)`, the same check list as `courtside preflight`).
 */

const NOT_WIRED = 'Preflight is not available in this bot process. Run `courtside preflight` on the server.';

const preflightArgs = z
  .object({ tokens: z.array(z.string()).max(1, 'takes at most one argument: the market (us)'), text: z.string() })
  .transform((a) => ({ market: a.tokens[0]?.toLowerCase() ?? null }));

/** /preflight [market] (admin): every check before trading, ✅ ⚠️ ❌ with what it saw and the fix. */
export const preflightCommand = defineCommand({
  name: 'preflight',
  summary: 'Check that everything is ready before trading (services, Telegram, data, calendar, broker, kill switch)',
  usage: '/preflight [us]',
  role: 'admin',
  args: preflightArgs,
  async run({ deps, reply, args, userId }) {
    const runner = deps.preflight;
    if (!runner) return reply(NOT_WIRED);
    if (args.market && !runner.markets.includes(args.market)) {
      return reply(`Unknown market "${args.market}". This build has: ${runner.markets.join(', ')}. Send /preflight or /preflight ${runner.markets[0] ?? 'us'}.`);
    }
    const report = await runner.run({ by: `telegram:${userId}`, ...(args.market ? { market: args.market } : {}) });
    for (const m of preflightMessages(report, args.market)) await reply(m);
  },
});
