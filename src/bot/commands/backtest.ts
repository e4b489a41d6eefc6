import type { Context } from 'telegraf';
import { z } from 'zod';
import { BACKTEST_TTL_SECONDS, backtestQueue, cancelFlagKey, finishInflight, inflightOf, startOrJoinBacktest, type Subscriber } from '../../jobs/handlers/backtest-job.js';
import type { BacktestJobPayload } from '../../jobs/payloads/backtest.js';
import { ackText, cancelKeyboard, finishedAckText, joinedText } from '../views/backtest-messages.js';
import {
  BacktestInputError,
  buildRequest,
  normaliseRequest,
  parseIsoDate,
  parseMarketWord,
  withKrCommissionRate,
  parseStrategyChoice,
  requestHash,
  requestKey,
  splitParamPairs,
  STRATEGY_CHOICES,
  type BacktestRequest,
} from '../../trading/backtest/request.js';
import { CourtsideError } from '../../lib/errors.js';
import type { Market } from '../../engine/market/markets.js';
import type { BotDeps } from '../deps.js';
import { defineCommand, type RawArgs } from './define.js';
import { auditOrLog } from '../audited.js';
import { ignoredBecause, EDIT_MAY_FAIL } from '../../jobs/ignore.js';

/** At most this many symbols typed in one command. */
export const MAX_TYPED_SYMBOLS = 100;

export const BACKTEST_USAGE = `/backtest <${STRATEGY_CHOICES.join('|')}> [kr|us] [SYMBOL …|universe] [FROM] [TO] [key=value …]`;

const HELP =
  'e.g. /backtest donchian SPY GL RVLV 2020-01-01 2024-12-31, /backtest all universe, /backtest turtle_soup AAPL lookback=30, ' +
  '/backtest donchian kr (the stored KRX ETFs, in won), /backtest donchian kr 069500 229200 ' +
  '(dates are YYYY-MM-DD; with all, write parameters as strategy.key=value; a KRX code needs no kr)';

/** What the command knows besides the tokens: the KIS commission (config.kr.commissionRate) for KR runs. */
export interface BacktestTokenOptions {
  krCommissionRate?: number;
}

/**
 * Parses the tokens of /backtest into a normalised request. Tokens after the
 * strategy may come in any order: YYYY-MM-DD dates (first = from, second =
 * to), `key=value` parameters, `universe`, the market word `kr` or `us`
 * (lower case, optional: KRX codes mean KR; `KR` is Kroger's ticker), and
 * ticker symbols (commas allowed).
 */
export function parseBacktestTokens(tokens: readonly string[], opts: BacktestTokenOptions = {}): BacktestRequest {
  if (tokens.length === 0) throw new BacktestInputError(`needs a strategy: ${STRATEGY_CHOICES.join(', ')}. ${HELP}`);
  const strategies = parseStrategyChoice(tokens[0]);
  const dates: string[] = [];
  const pairs: string[] = [];
  const symbols: string[] = [];
  let universe = false;
  let market: Market | undefined;
  for (const raw of tokens.slice(1)) {
    // The market word is lower case only: upper-case KR is Kroger's NYSE ticker (and US a plain token).
    const word = raw === 'kr' || raw === 'us' ? parseMarketWord(raw) : null;
    if (word !== null) {
      if (market !== undefined && market !== word) throw new BacktestInputError(`names two markets (${market.toLowerCase()} and ${word.toLowerCase()}): a backtest runs one market; send one command per market`);
      market = word;
    } else if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) dates.push(parseIsoDate(raw, 'date'));
    else if (/^\d{4}[-/.]/.test(raw)) throw new BacktestInputError(`"${raw.slice(0, 20)}" is not a YYYY-MM-DD date. ${HELP}`);
    else if (raw.includes('=')) pairs.push(raw);
    else if (/^(universe|all)$/i.test(raw)) universe = true;
    else for (const s of raw.split(',').filter(Boolean)) symbols.push(s);
  }
  if (dates.length > 2) throw new BacktestInputError(`takes at most two dates (from and to), got ${dates.length}`);
  if (universe && symbols.length > 0) throw new BacktestInputError('takes either symbols or "universe", not both');
  if (symbols.length > MAX_TYPED_SYMBOLS) throw new BacktestInputError(`takes at most ${MAX_TYPED_SYMBOLS} symbols; use "universe" for the whole universe`);
  return buildRequest({
    strategies,
    params: splitParamPairs(strategies, pairs),
    symbols: symbols.length > 0 ? symbols : null,
    from: dates[0] ?? null,
    to: dates[1] ?? null,
    ...(market !== undefined ? { market } : {}),
    ...(opts.krCommissionRate !== undefined ? { krCommissionRate: opts.krCommissionRate } : {}),
  });
}

/**
 * config.kr.commissionRate when the bot's config carries it (the app's Config does); undefined
 * otherwise, and the request takes the engine's default KIS rate (0.015 %).
 */
function krCommissionRate(config: BotDeps['config']): number | undefined {
  return config.kr?.commissionRate;
}

const argsSchema: z.ZodType<{ request: BacktestRequest }, RawArgs> = z
  .object({ tokens: z.array(z.string()), text: z.string().max(1000, 'arguments must be at most 1000 characters') })
  .transform((a, ctx) => {
    try {
      return { request: parseBacktestTokens(a.tokens) };
    } catch (err) {
      if (!(err instanceof BacktestInputError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message.replace(/\.$/, '') });
      return z.NEVER;
    }
  });

/**
 * /backtest: acknowledges at once with a Cancel button, then either starts a
 * job on the `backtests` queue (deduplicated by the request hash) or, when
 * an identical request is already in flight, joins it: both chats get the
 * same progress and result.
 */
export const backtestCommand = defineCommand({
  name: 'backtest',
  summary: 'Backtest a strategy (donchian, turtle_soup or all) on symbols or the universe, US or KR',
  usage: BACKTEST_USAGE,
  role: 'viewer',
  args: argsSchema,
  async run({ ctx, args, deps, chatId, userId, role, updateId }) {
    // A KR run is charged the configured KIS commission; the args were parsed before the config was at hand.
    const rate = krCommissionRate(deps.config);
    const request = args.request.market === 'KR' && rate !== undefined ? withKrCommissionRate(args.request, rate) : args.request;
    const key = requestKey(requestHash(request));
    const prefix = deps.config.redis.prefix;
    const keyboard = cancelKeyboard(deps.config.telegram.callbackKey, key, deps.now());
    const ack = await ctx.reply(ackText(request), { reply_markup: { inline_keyboard: keyboard } });
    const me: Subscriber = { chatId, messageId: ack.message_id, userId, at: deps.now() };
    const edit = (text: string, withButton: boolean) =>
      ctx.telegram.editMessageText(chatId, ack.message_id, undefined, text, withButton ? { reply_markup: { inline_keyboard: keyboard } } : {}).catch((err: unknown) => deps.log.warn({ err }, 'ack edit failed'));

    try {
      const payload: BacktestJobPayload = { updateId, chatId, userId, role, ackMessageId: ack.message_id, request };
      const started = await startOrJoinBacktest({ jobs: deps.jobs, redis: deps.redis, prefix, now: deps.now, log: deps.log }, key, payload, me);
      if (started.role === 'joiner') {
        deps.log.info({ jobId: started.jobId, userId }, 'backtest joined an identical in-flight run');
        await edit(joinedText(request), true);
      }
    } catch (err) {
      const msg = err instanceof CourtsideError && err.userMessage ? err.userMessage : `⚠️ Could not start the backtest: ${deps.scrub((err as Error).message).slice(0, 200)}. Try again in a minute.`;
      await edit(msg, false);
      if (!(err instanceof CourtsideError)) deps.log.error({ err }, 'backtest enqueue failed');
    }
  },
});

/**
 * The Cancel button (`bc`, arg = request key). Only chats waiting on the
 * in-flight run can cancel it. A queued job is removed at once; a running one
 * gets the Redis cancel flag and stops at its next checkpoint (the handler then
 * edits every waiting chat's message). Always answers the callback query.
 */
export async function handleBacktestCancel(deps: BotDeps, ctx: Context, arg: string): Promise<void> {
  const prefix = deps.config.redis.prefix;
  const chatId = ctx.chat?.id;
  const cq = ctx.callbackQuery;
  const messageId = cq && 'message' in cq && cq.message ? cq.message.message_id : undefined;
  const who = ctx.from?.first_name ?? `user ${ctx.from?.id ?? '?'}`;
  const inflight = await inflightOf(deps.redis, prefix, arg);
  const participants = inflight ? [inflight.owner, ...inflight.subs] : [];
  if (!inflight || !participants.some((s) => s.chatId === chatId && s.messageId === messageId)) {
    await ctx.answerCbQuery('This backtest is no longer running.');
    await ctx.editMessageReplyMarkup(undefined).catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
    return;
  }
  const jobId = inflight.owner.jobId;
  await auditOrLog(deps, { action: 'backtest.cancel_requested', actor: ctx.from?.id ?? 0, chatId: chatId ?? null, updateId: ctx.update.update_id, jobId });

  const job = await backtestQueue(deps.jobs).getJob(jobId);
  if (job) {
    const state = await job.getState();
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized') {
      const removed = await job.remove().then(
        () => true,
        () => false,
      );
      if (removed) {
        const subs = await finishInflight(deps.redis, prefix, arg, jobId);
        let request: BacktestRequest | null = null;
        try {
          request = normaliseRequest((job.data as { request?: unknown }).request);
        } catch {
          request = null;
        }
        const text = request ? finishedAckText(request, 'cancelled', `by ${who} before it started`) : `✖ Backtest cancelled by ${who} before it started.`;
        for (const s of [inflight.owner, ...subs]) await ctx.telegram.editMessageText(s.chatId, s.messageId, undefined, text).catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
        await ctx.answerCbQuery('Cancelled before it started.');
        return;
      }
    }
  }
  await deps.redis.set(cancelFlagKey(prefix, jobId), who, 'EX', BACKTEST_TTL_SECONDS);
  await ctx.answerCbQuery('Cancelling… it stops at the next checkpoint.');
}
