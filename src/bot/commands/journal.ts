import type { Context } from 'telegraf';
import { z } from 'zod';
import { nyToday } from '../../engine/calendar/timezone.js';
import { journalDetail, queryOf, resolveJournalTarget, type JournalTarget } from '../../trading/journal/lookup.js';
import { readJournal } from '../../trading/journal/read.js';
import { CALLBACK_ACTIONS, signCallback } from '../callback-data.js';
import type { BotDeps } from '../deps.js';
import type { Keyboard } from '../format/message.js';
import { journalDetailText, journalPageText } from '../views/journal-view.js';
import { defineCommand } from './define.js';

/** Lines per page: one Why button each (a keyboard of 10 stays readable on a phone). */
export const JOURNAL_PAGE = 10;
/** Why and Older buttons stay valid a day: the journal does not change under them. */
const BUTTON_TTL_MS = 24 * 3600_000;
/** Callback args: [A-Za-z0-9_-]{0,24} (see callback-data.ts). */
const ARG = /^[A-Za-z0-9_-]{1,24}$/;

const journalArgs = z
  .object({ tokens: z.array(z.string()).max(2, 'takes one symbol, `today`, or a pick or order id, and an optional page number'), text: z.string() })
  .transform((a) => ({ what: a.tokens[0], page: a.tokens[1] === undefined ? 1 : Number(a.tokens[1]) }))
  .refine((a) => Number.isInteger(a.page) && a.page >= 1 && a.page <= 1000, 'the page is a number from 1, e.g. /journal XLK 2');

/** `/journal [SYMBOL | today | pick or order id] [page]`: the decisions, newest first, a Why button per line. */
export const journalCommand = defineCommand({
  name: 'journal',
  summary: 'The decision journal: why something was (not) picked, sized or ordered',
  usage: '/journal [SYMBOL | today | pick or order id] [page]',
  role: 'viewer',
  args: journalArgs,
  async run({ args, deps, reply }) {
    const target = await resolveJournalTarget(deps.uow, args.what, nyToday(new Date(deps.now())));
    if (target.kind === 'unknown') {
      await reply(`No pick, approval or order "${target.text}", and it is not a symbol. Send /journal SYMBOL, /journal today, or /journal with a pick id (/picks) or an order id (/orders).`);
      return;
    }
    const { text, keyboard } = await journalPage(deps, target, (args.page - 1) * JOURNAL_PAGE);
    await reply(text, keyboard.length ? { reply_markup: { inline_keyboard: keyboard } } : {});
  },
});

/** The key a page button carries for a target (null when it does not fit the callback data). */
function targetKey(t: JournalTarget): string | null {
  const key = t.kind === 'today' ? 'today' : t.kind === 'symbol' ? t.symbol : t.kind === 'pick' ? t.pickId : t.kind === 'all' ? '' : null;
  return key !== null && (key === '' || ARG.test(`p1000_${key}`)) ? key : null;
}

function titleOf(t: JournalTarget): string {
  switch (t.kind) {
    case 'today':
      return `today (${t.date})`;
    case 'symbol':
      return t.symbol;
    case 'pick':
      return `pick ${t.pickId} (${t.symbol})`;
    case 'order':
      return `order ${t.clientOrderId} (${t.symbol})`;
    default:
      return 'everything';
  }
}

async function journalPage(deps: BotDeps, target: JournalTarget, offset: number): Promise<{ text: string; keyboard: Keyboard }> {
  const page = await readJournal(deps.uow, { ...queryOf(target), limit: JOURNAL_PAGE, offset });
  const key = targetKey(target);
  const sign = (arg: string) => signCallback(deps.config.telegram.callbackKey, CALLBACK_ACTIONS.journalOp, arg, deps.now() + BUTTON_TTL_MS);
  const arg = target.kind === 'today' ? 'today' : target.kind === 'symbol' ? target.symbol : target.kind === 'pick' ? target.pickId : target.kind === 'order' ? target.clientOrderId : '';
  const nextPage = offset / JOURNAL_PAGE + 2;
  const hint = `/journal ${arg || 'today'} ${nextPage}`.replace(/ +/g, ' ');
  const text = journalPageText(titleOf(target), page.entries, offset, page.more, target.kind === 'all' ? null : hint);
  const why = page.entries.map((e, i) => ({ text: `Why ${offset + i + 1}`, callback_data: sign(`w${e.ref}`) }));
  const rows: Keyboard = [];
  for (let i = 0; i < why.length; i += 5) rows.push(why.slice(i, i + 5));
  if (page.more && key !== null) rows.push([{ text: 'Older ››', callback_data: sign(`p${offset + JOURNAL_PAGE}_${key}`) }]);
  return { text, keyboard: rows };
}

/**
 * The journal's buttons (`jo`): `w<ref>` shows the inputs of one decision (a new message, so the
 * list stays), `p<offset>_<key>` the next page. Read-only: any allow-listed role may press them.
 */
export async function handleJournalCallback(deps: BotDeps, ctx: Context, arg: string): Promise<void> {
  if (arg.startsWith('w')) {
    const detail = await journalDetail(deps.uow, arg.slice(1));
    if (!detail) {
      await ctx.answerCbQuery('That journal entry is gone.', { show_alert: true });
      return;
    }
    await ctx.answerCbQuery();
    await ctx.reply(journalDetailText(detail));
    return;
  }
  const m = /^p(\d+)_(.*)$/.exec(arg);
  if (!m) {
    await ctx.answerCbQuery('This button is not valid. Send /journal again.', { show_alert: true });
    return;
  }
  const target = await resolveJournalTarget(deps.uow, m[2] || undefined, nyToday(new Date(deps.now())));
  if (target.kind === 'unknown') {
    await ctx.answerCbQuery('This button is not valid. Send /journal again.', { show_alert: true });
    return;
  }
  const { text, keyboard } = await journalPage(deps, target, Number(m[1]));
  await ctx.answerCbQuery();
  await ctx.reply(text, keyboard.length ? { reply_markup: { inline_keyboard: keyboard } } : {});
}
