import { z } from 'zod';
import { askClose } from '../../trading/execution/close-position.js';
import { closeAskDeps, replyCloseAsk } from '../callbacks/close.js';
import { defineCommand } from './define.js';

/** A ticker as typed: letters first, then letters, digits, dots or dashes (BRK.B); any case. Or a KRX code: six digits (069500). */
const SYMBOL = /^(?:[A-Za-z][A-Za-z0-9.-]{0,9}|[0-9]{6})$/;

/**
 * Zod schema of /close's arguments: a symbol and an optional qty (a whole
 * number of shares above 0; leaving it out sells the whole position).
 */
export const closeArgs = z
  .object({ tokens: z.array(z.string()), text: z.string() })
  .superRefine((a, ctx) => {
    if (a.tokens.length === 0) ctx.addIssue({ code: 'custom', message: 'needs the symbol of an open position, e.g. /close TOL, /close TOL 10 or /close 069500' });
    else if (a.tokens.length > 2) ctx.addIssue({ code: 'custom', message: 'takes a symbol and at most a qty' });
    else if (!SYMBOL.test(a.tokens[0]!)) ctx.addIssue({ code: 'custom', message: `"${a.tokens[0]!.slice(0, 12)}" is not a symbol` });
    else if (a.tokens[1] !== undefined && !(/^\d{1,9}$/.test(a.tokens[1]) && Number(a.tokens[1]) > 0)) {
      ctx.addIssue({ code: 'custom', message: `qty must be a whole number of shares above 0, not "${a.tokens[1].slice(0, 12)}"` });
    }
  })
  .transform((a) => ({ symbol: a.tokens[0]!.toUpperCase(), qty: a.tokens[1] === undefined ? null : Number(a.tokens[1]) }));

/** /close SYMBOL [qty]: sell one position (or part of it) after a bound confirmation. */
export const closeCommand = defineCommand({
  name: 'close',
  summary: 'Sell one open position (or qty shares of it) after a confirmation; the Close buttons on /positions do the same',
  usage: '/close SYMBOL [qty]',
  role: 'trader',
  args: closeArgs,
  async run({ deps, args, userId, role, reply }) {
    const ask = await askClose(await closeAskDeps(deps, args.symbol), { symbol: args.symbol, qty: args.qty, by: userId, role });
    await replyCloseAsk(deps, reply, ask);
  },
});
