import { pct } from './format.js';
import { KRW_FIGURE, moneyOf } from './money-words.js';

import { sentence, type Sentence } from './sentence.js';
import { CORRELATION_SENTENCES } from './correlation-sentences.js';
import { VAR_SENTENCES } from './var-sentences.js';

/** `numbers.quoteIsBid` of a drift refusal: 1 when the live price was the bid (a sell), 0 the ask (a buy). */
function quote(quoteIsBid: number): string {
  return quoteIsBid === 1 ? 'bid' : 'ask';
}

/** What the liquidity gate measures: "dollar volume" for US (as always), "traded value" in won. */
function adv(n: Readonly<Record<string, number>>): string {
  return n[KRW_FIGURE] === 1 ? 'average daily traded value' : 'average daily dollar volume';
}

/**
 * Every gate refusal's sentence, by gate and limit: the ONE table of these
 * words. The gates word their refusals with it (`refuse` in types.ts), and a
 * face words a stored refusal (gate, limit, numbers) with it, so both say
 * the same thing.
 */
const SENTENCES: Readonly<Record<string, Readonly<Record<string, Sentence>>>> = {
  policy: {
    qty: sentence(['qty'], (n) => `Order refused by PolicyGate: quantity must be a whole number of shares above 0, not ${n.qty}.`),
    price: sentence(['price'], (n) => `Order refused by PolicyGate: price must be a positive number, not ${n.price}.`),
    // PolicyGate's limits are in the market's currency (won for KR): `moneyOf` reads it from the numbers.
    min_price: sentence(['price', 'minPrice'], (n) => `Order refused by PolicyGate: price ${moneyOf(n)(n.price)} is below the minimum share price ${moneyOf(n)(n.minPrice)}.`),
    max_price: sentence(['price', 'maxPrice'], (n) => `Order refused by PolicyGate: price ${moneyOf(n)(n.price)} is above the maximum share price ${moneyOf(n)(n.maxPrice)}.`),
    no_shorts: sentence(
      ['qty', 'heldQty'],
      (n) => `Order refused by PolicyGate: selling ${n.qty} shares with ${n.heldQty} held would open a short, and shorts are not allowed.`,
    ),
    per_order_budget: sentence(
      ['qty', 'price', 'notional', 'perOrderBudget', 'maxQty'],
      (n) => {
        const m = moneyOf(n);
        return (
          `Order refused by PolicyGate: ${n.qty} × ${m(n.price)} = ${m(n.notional)} exceeds the per-order budget of ${m(n.perOrderBudget)}` +
          (n.maxQty > 0 ? ` (at most ${n.maxQty} shares fit).` : ' (not even one share fits).')
        );
      },
    ),
    daily_budget: sentence(
      ['spentToday', 'notional', 'total', 'dailyBudget', 'remaining'],
      (n) => {
        const m = moneyOf(n);
        return (
          `Order refused by PolicyGate: ${m(n.spentToday)} already committed today + ${m(n.notional)} for this order = ${m(n.total)}, ` +
          `over the daily budget of ${m(n.dailyBudget)} (${m(n.remaining)} left).`
        );
      },
    ),
  },
  // The liquidity, position and drift sentences word amounts with `moneyOf` too: dollars unless the
  // numbers carry the KRW figure (a KR face adds it: src/bot/views/recorded-reasons.ts).
  liquidity: {
    quote: sentence(['bid', 'ask'], (n) => `Order refused by LiquidityGate: no usable two-sided quote (bid ${n.bid}, ask ${n.ask}).`),
    min_dollar_adv: sentence(
      ['dollarAdv', 'minDollarAdv'],
      (n) => `Order refused by LiquidityGate: ${adv(n)} ${moneyOf(n)(n.dollarAdv)} is below the minimum ${moneyOf(n)(n.minDollarAdv)}.`,
    ),
    max_spread: sentence(
      ['bid', 'ask', 'spreadPct', 'maxSpreadPct'],
      (n) => `Order refused by LiquidityGate: the spread ${moneyOf(n)(n.bid)} / ${moneyOf(n)(n.ask)} is ${pct(n.spreadPct)} of the mid, wider than the ${pct(n.maxSpreadPct)} limit.`,
    ),
    max_order_pct_adv: sentence(
      ['notional', 'orderPctAdv', 'dollarAdv', 'maxOrderPctAdv'],
      (n) =>
        `Order refused by LiquidityGate: ${moneyOf(n)(n.notional)} is ${pct(n.orderPctAdv)} of the ${adv(n)} ${moneyOf(n)(n.dollarAdv)}, above the ${pct(n.maxOrderPctAdv)} limit.`,
    ),
  },
  position: {
    max_open_positions: sentence(
      ['openPositions', 'maxOpenPositions'],
      (n) => `Order refused by position caps: ${n.openPositions} positions are open and the limit is ${n.maxOpenPositions}; close one first (/close SYMBOL, or a Close button on /positions).`,
    ),
    equity: sentence(['equity'], (n) => `Order refused by position caps: account equity is ${moneyOf(n)(n.equity)}.`),
    max_position_pct: sentence(
      ['positionNotional', 'existingNotional', 'orderNotional', 'positionPct', 'equity', 'maxPositionPct'],
      (n) => {
        const m = moneyOf(n);
        return (
          `Order refused by position caps: the position would be ${m(n.positionNotional)} (${m(n.existingNotional)} held + ${m(n.orderNotional)}), ` +
          `${pct(n.positionPct)} of equity ${m(n.equity)}, above the ${pct(n.maxPositionPct)} limit.`
        );
      },
    ),
  },
  drift: {
    price: sentence(
      ['quoteIsBid', 'live', 'entry'],
      (n) => `Order refused by the drift band: cannot compare the live ${quote(n.quoteIsBid)} ${n.live} with the entry ${n.entry}; re-scan or re-quote.`,
    ),
    max_drift: sentence(
      ['quoteIsBid', 'live', 'driftPct', 'entry', 'maxDriftPct'],
      (n) =>
        `Order refused by the drift band: the live ${quote(n.quoteIsBid)} ${moneyOf(n)(n.live)} is ${pct(n.driftPct)} from the pick's entry ${moneyOf(n)(n.entry)}, ` +
        `beyond the ±${pct(n.maxDriftPct)} band; re-scan or re-quote before approving again.`,
    ),
  },
  correlation: CORRELATION_SENTENCES,
  var: VAR_SENTENCES,
};

/** How a gate is named when its limit has no sentence here (a refusal recorded by another release). */
const GATE_NAMES: Readonly<Record<string, string>> = { policy: 'PolicyGate', liquidity: 'LiquidityGate', position: 'position caps', drift: 'the drift band', correlation: 'the correlation limit', var: 'the value-at-risk limit' };

/**
 * The one sentence a risk gate says when it refuses at `limit`, from the
 * refusal's numbers alone. Pure. A gate or limit this release does not know,
 * or numbers missing a figure its sentence needs (a refusal recorded by
 * another release), get a short sentence naming the gate and the limit.
 */
export function describeRefusal(gate: string, limit: string, numbers: Readonly<Record<string, number>>): string {
  const s = Object.hasOwn(SENTENCES, gate) && Object.hasOwn(SENTENCES[gate]!, limit) ? SENTENCES[gate]![limit]! : null;
  if (s && s.needs.every((k) => typeof numbers[k] === 'number')) return s.say(numbers);
  return `Order refused by ${Object.hasOwn(GATE_NAMES, gate) ? GATE_NAMES[gate] : `the ${gate} gate`} (${limit}).`;
}

/** Every gate and limit with a sentence (for tests and faces that list them). */
export const REFUSAL_LIMITS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(Object.entries(SENTENCES).map(([g, byLimit]) => [g, Object.keys(byLimit)]));
