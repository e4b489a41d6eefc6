import { marketCalendar } from '../../engine/market/session-day.js';
import type { Market } from '../../engine/market/markets.js';
import type { BrokerCallFailure, BrokerCallMark, BrokerCalls, MarketBrokerStatus, MarketDataHealth, MarketStatus } from '../../trading/status/markets.js';
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
  if (b.calls !== undefined) lines.push(...callLines(market, b.calls, at));
  return lines;
}

/** "14:02 KST" on the day of `at` (in the market's zone), the date too on another day. */
function stamp(market: Market, ms: number, at: number): string {
  const cal = marketCalendar(market);
  return cal.formatIso(ms).slice(0, 10) === cal.formatIso(at).slice(0, 10) ? timeOf(market, ms) : when(market, ms);
}

/** "3 min ago", whole units rounded down (so it agrees with the clock times shown beside it). */
function ago(ms: number, at: number): string {
  const min = Math.floor(Math.max(0, at - ms) / 60_000);
  if (min < 1) return 'under a minute ago';
  if (min < 120) return `${min} min ago`;
  const h = Math.floor(min / 60);
  return h < 48 ? `${h} h ago` : `${Math.floor(h / 24)} days ago`;
}

/** A failure kind in words, with what to do about it. */
const FAILURE: Record<string, { what: string; next: string }> = {
  timeout: { what: 'no answer in time', next: 'calls are retried; if it persists check KIS_API_URL and KIS service notices' },
  network: { what: 'could not connect', next: 'calls are retried; if it persists check KIS_API_URL and the network' },
  server_error: { what: 'KIS server error', next: 'calls are retried; if it persists check KIS service notices' },
  auth: { what: 'app key or token refused', next: 'check KIS_APP_KEY and KIS_APP_SECRET (virtual keys work on the virtual server only)' },
  rate_limited: { what: 'over the request rate', next: 'calls slow down by themselves; if it persists lower KIS_MAX_RPS' },
  bad_response: { what: 'an answer that is not KIS\'s', next: 'check KIS_API_URL' },
  refused: {
    what: 'KIS refused the request (its own code, not an outage)',
    next: 'check that BROKER_KR (kis-virtual or kis-live) is the server KIS_API_URL points at: each server takes only its own TR ids and the virtual one lacks some',
  },
};

/** An order POST (or cancel) that got no clear answer is never sent again: reads are retried, orders are looked up. */
const ORDER_NEXT = 'an order is never re-sent after an unclear answer: the recovery pass looks it up in KIS\'s daily orders (see /stuck); if it persists check KIS service notices';
const orderUnanswered = (f: BrokerCallFailure): boolean => (f.endpoint === 'order' || f.endpoint === 'revise-cancel') && (f.error === 'timeout' || f.error === 'network' || f.error === 'server_error');

function failureText(f: BrokerCallFailure): string {
  const code = [f.status === undefined ? null : `HTTP ${f.status}`, f.msgCd ?? null].filter((x) => x !== null).join(' ');
  return `${f.endpoint}: ${FAILURE[f.error]?.what ?? f.error}${code ? `, ${code}` : ''}`;
}

/**
 * The last good call to the failed call's endpoint kind: the record's own,
 * or the overall last good call when it is of that kind (a record without
 * the per-kind field); null when neither is.
 */
function goodOfFailedKind(c: BrokerCalls, fail: BrokerCallFailure): BrokerCallMark | null {
  const marks = [c.lastGoodOfFailedEndpoint ?? null, c.lastGood?.endpoint === fail.endpoint ? c.lastGood : null].filter((m): m is BrokerCallMark => m !== null);
  return marks.length === 0 ? null : marks.reduce((a, b) => (b.at > a.at ? b : a));
}

/**
 * The KIS link as every process saw it: the last good call, and a warning
 * when the last call failed after it, or when a call failed after the last
 * good call to the same kind of endpoint (a failed order POST is followed
 * at once by a good daily-orders look-up, which must not hide it). A
 * failure older than a good call to its own endpoint kind is over.
 */
function callLines(market: Market, c: BrokerCalls | { error: string }, at: number): string[] {
  if ('error' in c) return [`   ⚠️ KIS call record unreadable (${c.error})`];
  const good = c.lastGood;
  const fail = c.lastFailure;
  const goodText = good ? `last good call ${stamp(market, good.at, at)} (${ago(good.at, at)}, ${good.endpoint})` : null;
  if (fail !== null) {
    const next = orderUnanswered(fail) ? ORDER_NEXT : (FAILURE[fail.error]?.next ?? 'check /status again in a minute');
    const failed = `${stamp(market, fail.at, at)} (${ago(fail.at, at)}, ${failureText(fail)})`;
    if (good === null || fail.at > good.at) {
      const since = goodText ? ` after the ${goodText}` : ' and no good call is recorded';
      return [`   ⚠️ KIS: the last call failed ${failed}${since}. Next: ${next}`];
    }
    const kindGood = goodOfFailedKind(c, fail);
    if (kindGood === null || fail.at > kindGood.at) {
      const kind = fail.endpoint;
      const before = kindGood === null ? `no good ${kind} call is recorded` : `the last good ${kind} call was ${stamp(market, kindGood.at, at)} (${ago(kindGood.at, at)})`;
      const overall = `the last good call overall ${stamp(market, good.at, at)} (${ago(good.at, at)}, ${good.endpoint})`;
      return [`   ⚠️ KIS: the last ${kind} call failed ${failed}; ${before}, ${overall}. Next: ${next}`];
    }
  }
  return [goodText ? `   KIS: ${goodText}` : '   KIS: no call recorded yet'];
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
 * clock (ET, KST), its broker (reachable, the KIS token's expiry and last
 * good call, a failure after it; amounts in the market's money), and its
 * stored data against the last closed session.
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
