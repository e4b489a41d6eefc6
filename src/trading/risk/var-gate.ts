import { bookVar } from '../../engine/risk/var.js';
import { dateToNumber } from '../../engine/risk/var-sentences.js';
import { PASS, refuse, type GateResult } from '../../engine/risk/types.js';
import { currencyFigure } from '../../engine/risk/money-words.js';
import { MARKETS } from '../../engine/market/markets.js';
import { marketOfSymbol } from '../../engine/market/symbols.js';
import type { EntryCandidate, PortfolioRiskDeps, PortfolioSnapshot } from './entry-candidate.js';
import { sessionsToRead, valuePosition } from './var-book.js';

/**
 * The value-at-risk limit on a new entry (issue 21 part 2): the one-day 99 % VaR of the open book
 * with the candidate added (its value = qty × limit price) must stay within VAR_LIMIT_PCT % of the
 * account equity. A book already over the limit takes no new risk at all, and the refusal says so.
 * The bootstrap (seed, paths, window) is the same one /risk shows, judged on closes up to the
 * approval's trading day only. A symbol without bars is left out of both figures.
 */
export async function varGate(deps: PortfolioRiskDeps, c: EntryCandidate, book: PortfolioSnapshot): Promise<GateResult> {
  // Position caps refuse an account without equity; nothing to measure a limit against here.
  if (!(c.equity > 0)) return PASS;
  const s = deps.settings;
  const held = book.positions.map(valuePosition).map((p) => ({ symbol: p.symbol, value: p.value }));
  const withCandidate = [...held, { symbol: c.symbol, value: c.qty * c.price }];
  const symbols = [...new Set(withCandidate.map((e) => e.symbol.toUpperCase()))];
  // One read of the closes for both figures, with the same seed and paths.
  const series = await deps.closes(symbols, sessionsToRead(s), c.asOf);
  const opts = { lookback: s.varLookback, paths: s.varPaths, seed: s.varSeed, asOf: c.asOf };
  const after = bookVar(series, withCandidate, opts);
  const before = bookVar(series, held, opts);
  const limitUsd = (c.equity * s.varLimitPct) / 100;
  const varBefore = before.p99.var;
  const varAfter = after.p99.var;
  if (varAfter <= limitUsd && varBefore <= limitUsd) return PASS;
  const numbers = {
    qty: c.qty,
    price: c.price,
    candidateValue: c.qty * c.price,
    varBefore,
    varAfter,
    equity: c.equity,
    varPct: (varAfter / c.equity) * 100,
    varBeforePct: (varBefore / c.equity) * 100,
    varLimitPct: s.varLimitPct,
    limitUsd,
    paths: s.varPaths,
    seed: s.varSeed,
    days: after.days,
    firstDate: dateToNumber(after.window?.first),
    lastDate: dateToNumber(after.window?.last),
    // A KR candidate's amounts are won (its book, its equity): the refusal says so (`krw: 1`).
    ...currencyFigure(MARKETS[marketOfSymbol(c.symbol)].currency),
  };
  return refuse('var', varBefore > limitUsd ? 'book_over_limit' : 'max_var', numbers);
}
