import { z } from 'zod';
import type { Market } from '../../engine/market/markets.js';
import { STRATEGY_IDS, type StrategyId } from '../../engine/signal.js';
import { calendarDate } from '../../lib/dates.js';
import { QueueUnavailableError } from '../../lib/errors.js';
import { defineCommand } from './define.js';
import { ignoredBecause } from '../../jobs/ignore.js';
import { marketsWithBars } from '../../trading/scan/markets-with-bars.js';

const choice = z.enum(['all', ...STRATEGY_IDS] as [string, ...string[]], { message: `strategy must be one of all, ${STRATEGY_IDS.join(', ')}` });
/** The market words /scan takes (lower case, as typed). */
const MARKET_WORDS: Readonly<Record<string, Market>> = { us: 'US', kr: 'KR' };
const SCAN_USAGE = `/scan [us|kr] [all|${STRATEGY_IDS.join('|')}]`;

/** /scan's arguments: the market (null: every market with bars) and the strategies. */
export interface ScanArgs {
  market: Market | null;
  strategies: StrategyId[];
}

/**
 * `[us|kr] [all|<strategy>]`, either word optional, the market first. A first word of two that is
 * not a market is refused with the fix (`/scan kr donchian`); a lone word is a market or a strategy.
 */
export const scanArgs = z
  .object({ tokens: z.array(z.string()).max(2, `takes at most two arguments: the market, then the strategy (${SCAN_USAGE})`), text: z.string() })
  .transform((a, ctx) => {
    const words = a.tokens.map((t) => t.toLowerCase());
    const first = words[0];
    const market = first !== undefined ? MARKET_WORDS[first] : undefined;
    if (words.length === 2 && market === undefined) {
      // Swapped (/scan donchian kr): the fix is the same words the other way round.
      const fix = MARKET_WORDS[words[1]!] ? `/scan ${words[1]} ${first!.slice(0, 20)}` : `/scan kr ${words[1]!.slice(0, 20)}`;
      ctx.addIssue({ code: 'custom', message: `market must be us or kr, not "${first!.slice(0, 20)}"; put it first, e.g. ${fix}` });
      return z.NEVER;
    }
    return { market: market ?? null, strategy: (market === undefined ? first : words[1]) ?? 'all' };
  })
  .pipe(z.object({ market: z.enum(['US', 'KR']).nullable(), strategy: choiceOrMarketHint() }))
  .transform((a): ScanArgs => ({ market: a.market, strategies: a.strategy === 'all' ? [...STRATEGY_IDS] : [a.strategy as StrategyId] }));

/** The strategy word; a lone unknown word may have been meant as a market, so the message names both. */
function choiceOrMarketHint() {
  return z.string().pipe(
    z.enum(['all', ...STRATEGY_IDS] as [string, ...string[]], {
      error: (iss) => `"${String(iss.input).slice(0, 20)}" is neither a market (us, kr) nor a strategy (all, ${STRATEGY_IDS.join(', ')}); e.g. /scan kr or /scan donchian`,
    }),
  );
}

/**
 * /scan [us|kr] [strategy]: acknowledged at once; workers share the scan and edit the ack with
 * progress. Without a market word, every market with stored bars is scanned, each with its own ack
 * and scan run (US first, as before: with US bars only, /scan is exactly what it was).
 */
export const scanCommand = defineCommand({
  name: 'scan',
  summary: 'Scan the universe for trade ideas and post the best as cards',
  usage: SCAN_USAGE,
  role: 'trader',
  args: scanArgs,
  async run({ ctx, args, deps, chatId, userId, role, updateId }) {
    const markets = args.market ? [args.market] : await scanMarkets(deps);
    for (const [i, market] of markets.entries()) {
      const label = market === 'US' ? 'Scan' : `${market} scan`;
      const ack = await ctx.reply(`⏳ ${label} queued (${args.strategies.join(' + ')})…`);
      // The first market keeps the update's job id (a US-only /scan is keyed as before); another market's is suffixed.
      const jobId = i === 0 ? `tg-${updateId}` : `tg-${updateId}-${market.toLowerCase()}`;
      const payload = { updateId, chatId, userId, role, strategies: args.strategies, ackMessageId: ack.message_id, ...(market === 'US' ? {} : { market }) };
      try {
        await deps.jobs.add('scan.start', payload, { jobId });
      } catch (err) {
        if (err instanceof QueueUnavailableError) {
          await ctx.telegram.editMessageText(chatId, ack.message_id, undefined, err.userMessage!).catch(ignoredBecause(deps.log, 'scan ack not edited to say the queue is unavailable; the ack still says queued'));
          return;
        }
        throw err;
      }
    }
  },
});

/**
 * The markets a /scan without a market word scans: those with bars stored; US when none has any
 * (its scan then says how to load data) or when the look-up fails (the scan says what it finds).
 */
async function scanMarkets(deps: { uow: Parameters<typeof marketsWithBars>[0]; log: Parameters<typeof ignoredBecause>[0] }): Promise<Market[]> {
  const found = await marketsWithBars(deps.uow).catch(ignoredBecause(deps.log, 'markets with bars not read; /scan scans US'));
  return found && found.length > 0 ? found : ['US'];
}

/** /picks [date]: stored picks of a session with their state. */
export const picksCommand = defineCommand({
  name: 'picks',
  summary: 'List the picks of the latest (or a given) session with their state',
  usage: '/picks [YYYY-MM-DD]',
  role: 'viewer',
  args: z
    .object({ tokens: z.array(z.string()).max(1, 'takes at most one argument: a date'), text: z.string() })
    .transform((a) => a.tokens[0])
    // A real calendar day, checked here: an impossible one (2026-02-30) gets the usage answer, never a job.
    .pipe(calendarDate.optional()),
  async run({ deps, chatId, userId, role, updateId, args }) {
    await deps.jobs.add('command.picks', { updateId, chatId, userId, role, ...(args ? { date: args } : {}) }, { jobId: `tg-${updateId}` });
  },
});
