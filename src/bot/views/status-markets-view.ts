import { marketCalendar } from '../../engine/market/session-day.js';
import type { Market } from '../../engine/market/markets.js';
import type { MarketBrokerStatus, MarketDataHealth, MarketStatus } from '../../trading/status/markets.js';
import { amountsFor } from '../format/market-amounts.js';
import { humanDuration } from './duration.js';

/** The zone each market's times are told in: the exchange's own clock, named as traders say it. */
const ZONE: Record<Market, string> = { US: 'ET', KR: 'KST' };

/** "2026-12-08 09:00 KST": the market's local date and time (its calendar's ISO rendering carries the zone). */
function when(market: Market, ms: number): string {
  return `${marketCalendar(market).formatIso(ms).slice(0, 16).replace('T', ' ')} ${ZONE[market]}`;
}

/** "15:30 KST": the local time alone, for a close on the day just named. */
function timeOf(market: Market, ms: number): string {
  return `${marketCalendar(market).formatIso(ms).slice(11, 16)} ${ZONE[market]}`;
}

function sessionLine(m: MarketStatus): string {
  const head = `${m.market} · ${m.exchange}`;
  const s = m.session;
  if (s.open) return `${head}: open — closes ${when(m.market, s.closesAt)}${s.earlyClose ? ' (early close)' : ''}`;
  if (s.next === null) return `${head}: closed — no session known after this (beyond the calendar's years)`;
  const n = s.next;
  return `${head}: closed — opens ${when(m.market, n.opensAt)}${n.lateOpen ? ' (late open)' : ''}, closes ${timeOf(m.market, n.closesAt)}${n.earlyClose ? ' (early close)' : ''}`;
}

function brokerLines(market: Market, b: MarketBrokerStatus, at: number): string[] {
  const lines: string[] = [];
  const a = b.account;
  if (a === undefined) {
    // The paper books live in Postgres; a real broker whose account is not read here has its line above.
    lines.push(b.name === 'paper' ? `   Broker paper: simulated book in Postgres (no broker account to reach)` : `   Broker ${b.name}`);
  } else if (!a.readable) {
    lines.push(`   ⚠️ Broker ${b.name}: account unreachable: ${a.error}`);
  } else {
    const money = amountsFor(market);
    const amounts = b.amounts ? ` · cash ${money.amount(b.amounts.cash)} · equity ${money.amount(b.amounts.equity)}` : '';
    const flags = a.blocking.length > 0 ? ` — ⚠️ ${a.blocking.join(', ')}: new entries are refused` : '';
    lines.push(`   ${flags ? '⚠️ ' : ''}Broker ${b.name}: account reachable${amounts}${flags}`);
  }
  const t = b.token;
  if (t !== undefined) {
    if ('error' in t) lines.push(`   ⚠️ KIS token unreadable (${t.error})`);
    else if (t.expiresAt === null) lines.push('   KIS token: none stored yet (the next KIS call asks for one)');
    else if (t.expiresAt <= at) lines.push(`   ⚠️ KIS token expired ${when(market, t.expiresAt)}; the next KIS call asks for a new one`);
    else lines.push(`   KIS token expires ${when(market, t.expiresAt)} (in ${humanDuration(t.expiresAt - at)})`);
  }
  return lines;
}

function dataLine(m: MarketStatus): string {
  const d: MarketDataHealth | { error: string } = m.data;
  if ('error' in d) return `   ⚠️ Data: the stored bars cannot be read (${d.error})`;
  if (d.symbols === 0 || d.newest === null) return `   Data: no ${m.market} bars stored`;
  const demo = d.demoSymbols === 0 ? '' : d.demoSymbols === d.symbols ? ' (DEMO)' : ` (${d.demoSymbols} DEMO)`;
  const head = `Data: ${d.symbols.toLocaleString('en-US')} symbol${d.symbols === 1 ? '' : 's'}${demo}, newest bar ${d.newest}`;
  if (d.stale) return `   ⚠️ ${head} — STALE: the last closed ${m.exchange} session is ${d.lastClosed}`;
  return d.lastClosed === null ? `   ${head}` : `   ${head}, current (last closed ${m.exchange} session ${d.lastClosed})`;
}

/**
 * The per-market lines of /status: each market's session now on its exchange's
 * clock (ET, KST), its broker (reachable, the KIS token's expiry; amounts in
 * the market's money), and its stored data against the last closed session.
 * `undefined` (no market sources wired) gives no lines.
 */
export function marketsStatusLines(markets: readonly MarketStatus[] | undefined): string[] {
  if (markets === undefined || markets.length === 0) return [];
  const lines = ['Markets'];
  for (const m of markets) {
    lines.push(sessionLine(m));
    if (m.overrides.state === 'unreadable') lines.push(`   ⚠️ Calendar overrides unreadable (${m.overrides.error}): session times by the ${m.exchange} rules`);
    lines.push(...brokerLines(m.market, m.broker, m.at), dataLine(m));
  }
  return lines;
}
