/**
 * Parses a weekly review message and checks that every total equals the sum of the parts it
 * shows: the contract "every number recomputes from the numbers shown". Returns the parsed
 * figures so tests can also compare them with what was planted.
 */
import { expect } from 'vitest';

const money = (s: string): number => {
  const m = /^([+-])?\$([\d,]+\.\d{2})$/.exec(s.trim());
  if (!m) throw new Error(`not money: ${s}`);
  return (m[1] === '-' ? -1 : 1) * Number(m[2]!.replace(/,/g, ''));
};
const num = (s: string) => Number(s.replace(/^\+/, ''));
const line = (text: string, re: RegExp): RegExpExecArray => {
  const m = re.exec(text);
  if (!m) throw new Error(`no line matching ${re} in:\n${text}`);
  return m;
};
/** "a 3, b 2" → [3, 2]; "none" → []. */
const parts = (list: string): number[] => (list === 'none' ? [] : list.split(', ').map((x) => Number(/(\d+)$/.exec(x)![1])));
const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const cents = (x: number) => Math.round(x * 100);

export interface ParsedReview {
  signals: number;
  bySource: Record<string, number>;
  cards: { total: number; posted: number; notPosted: number };
  posted: { total: number; approved: number; rejected: number; expired: number; undecided: number };
  approved: { total: number; filled: number; refused: number };
  trades: number;
  realized: number;
  groups: { source: string; trades: number; pnl: number; meanR: number | null }[];
  daily: number[];
  slippage: number[];
  kills: number;
}

export function recomputeReview(text: string): ParsedReview {
  const sig = line(text, /^Signals: (\d+) \((.*)\)$/m);
  expect(sum(parts(sig[2]!))).toBe(Number(sig[1]));
  const bySource = Object.fromEntries(sig[2] === 'none' ? [] : sig[2]!.split(', ').map((x) => [x.replace(/ \d+$/, ''), Number(/(\d+)$/.exec(x)![1])]));

  const cards = line(text, /^Cards: (\d+) = (\d+) posted \+ (\d+) not posted \((.*)\)$/m);
  expect(Number(cards[2]) + Number(cards[3])).toBe(Number(cards[1]));
  expect(sum(parts(cards[4]!))).toBe(Number(cards[3]));

  const posted = line(text, /^Posted: (\d+) = (\d+) approved \+ (\d+) rejected \+ (\d+) expired \+ (\d+) undecided$/m);
  expect(sum(posted.slice(2, 6).map(Number))).toBe(Number(posted[1]));
  expect(Number(posted[1])).toBe(Number(cards[2]));

  const appr = line(text, /^Approved: (\d+) = (\d+) filled \+ (\d+) partly filled \+ (\d+) not filled \+ (\d+) refused by a gate \+ (\d+) failed \+ (\d+) in progress$/m);
  expect(sum(appr.slice(2, 8).map(Number))).toBe(Number(appr[1]));
  expect(Number(appr[1])).toBe(Number(posted[2]));
  const gates = line(text, /^Gate refusals: (\d+) \((.*)\)$/m);
  expect(Number(gates[1])).toBe(Number(appr[5]));
  expect(sum(parts(gates[2]!))).toBe(Number(gates[1]));

  const closed = line(text, /^Closed trades: (\d+), realized (\S+)$/m);
  const groups = [...text.matchAll(/^• (\S+) \((strategy|hypothesis)\): (\d+) trades?, (\d+) won, (\S+), (?:mean R (\S+) \(ΣR (\S+) over (\d+)\)|R unknown[^;]*);/gm)].map((m) => {
    if (m[6] !== undefined) expect(Math.abs(num(m[6]) - num(m[7]!) / Number(m[8]))).toBeLessThanOrEqual(0.005 + 1e-9);
    return { source: m[1]!, trades: Number(m[3]), pnl: money(m[5]!), meanR: m[6] === undefined ? null : num(m[6]) };
  });
  expect(sum(groups.map((g) => g.trades))).toBe(Number(closed[1]));
  expect(sum(groups.map((g) => cents(g.pnl)))).toBe(cents(money(closed[2]!)));
  const daily = [...line(text, /^By session: (.*)$/m)[1]!.matchAll(/(\S+) \((\d+)\)/g)].map((m) => ({ pnl: money(m[1]!), trades: Number(m[2]) }));
  expect(sum(daily.map((d) => cents(d.pnl)))).toBe(cents(money(closed[2]!)));
  expect(sum(daily.map((d) => d.trades))).toBe(Number(closed[1]));

  let slippage: number[] = [];
  const slip = /^Slippage \(.*\): (\d+) fills?, median (\S+) bps \[(.*)\]$/m.exec(text);
  if (slip) {
    slippage = slip[3]!.split(', ').map(num);
    expect(slippage).toHaveLength(Number(slip[1]));
    const s = [...slippage].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    const med = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
    expect(Math.abs(med - num(slip[2]!))).toBeLessThanOrEqual(0.05 + 1e-9);
  } else expect(text).toMatch(/^Slippage: no entry fills this week$/m);

  const kills = line(text, /^Kill switch: (\d+) events? = (\d+) engaged \+ (\d+) resumed$/m);
  expect(Number(kills[2]) + Number(kills[3])).toBe(Number(kills[1]));
  expect([...text.matchAll(/^• .* ET (engaged|resumed)/gm)]).toHaveLength(Number(kills[1]));

  const drift = /^Drift tests: (\d+) = (\d+) in band \+ (\d+) out of band \+ (\d+) too few to judge/m.exec(text);
  if (drift) expect(Number(drift[2]) + Number(drift[3]) + Number(drift[4])).toBe(Number(drift[1]));
  else expect(text).toMatch(/^Drift tests: could not be read \(.+\)\./m);

  return {
    signals: Number(sig[1]),
    bySource,
    cards: { total: Number(cards[1]), posted: Number(cards[2]), notPosted: Number(cards[3]) },
    posted: { total: Number(posted[1]), approved: Number(posted[2]), rejected: Number(posted[3]), expired: Number(posted[4]), undecided: Number(posted[5]) },
    approved: { total: Number(appr[1]), filled: Number(appr[2]), refused: Number(appr[5]) },
    trades: Number(closed[1]),
    realized: money(closed[2]!),
    groups,
    daily: daily.map((d) => d.pnl),
    slippage,
    kills: Number(kills[1]),
  };
}
