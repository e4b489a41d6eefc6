import { marketOfCode } from '../../engine/market/symbols.js';
import { nyLocalParts } from '../../engine/calendar/index.js';
import type { AlertDetail, ResolveDetail, UnknownDetail } from '../../trading/alerts/details.js';
import type { CircuitTrip } from '../../trading/circuit-breaker/types.js';
import { isKrBroker } from '../../trading/circuit-breaker/kr-broker.js';
import { amountsFor } from '../format/market-amounts.js';
import { money, pct } from '../format/numbers.js';
import { reconcileHeadline, reconcileItemLines } from './reconcile-view.js';
import { recordedReasonText } from './recorded-reasons.js';

/**
 * Alerts in words, as admins read them (the alert messages, /status, the
 * digests). A face's wording: the alert row keeps only codes and figures
 * (src/trading/alerts/details.ts), so rewording here changes old alerts too.
 */

/** `2026-03-10 09:47 ET`: how alert texts and messages stamp a time. */
export function formatEt(ms: number): string {
  const p = nyLocalParts(ms);
  return `${p.date} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')} ET`;
}

/** A stored ISO time in ET; a value that is not a time is shown as stored rather than hidden. */
function etOf(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : formatEt(ms);
}

/** `6 min`, `3 h`: how late or how long silent, rounded for a phone. */
export function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 120 ? `${m} min` : `${Math.round(m / 60)} h`;
}

/** The longest stored value an unreadable detail shows. */
const UNKNOWN_CHARS = 300;

/** A detail written by a newer release (or damaged): its code and figures as stored, so nothing is silently dropped. */
function unknownText(d: UnknownDetail): string {
  const raw = d.raw;
  const code = typeof raw === 'object' && raw !== null && 'code' in raw && typeof raw.code === 'string' ? raw.code : null;
  const json = JSON.stringify(raw) ?? String(raw);
  return `${code ? `Unrecognised alert ${code}` : 'Unrecognised alert'} (written by another version): ${json.length > UNKNOWN_CHARS ? `${json.slice(0, UNKNOWN_CHARS)}…` : json}`;
}

/** What the raiser found, in words (a reconciliation takes one line per fix and mismatch). */
export function alertDetailText(d: AlertDetail): string {
  switch (d.code) {
    case 'heartbeat.absent':
      return `The ${d.role} role is not running: no heartbeat from it at all. Start it (courtside start --roles ${d.role}).`;
    case 'heartbeat.missed':
      return `The ${d.role} role has missed its heartbeat for ${minutes(d.ageMs)} (last beat ${etOf(d.lastBeatAt)} from ${d.host}). Is the process down?`;
    case 'slot.missed':
      return `Scheduled ${d.slot} for ${d.sessionDate} was due at ${etOf(d.dueAt)} and has not been enqueued (${minutes(d.lateMs)} late). Is the scheduler running?`;
    case 'job.failed': {
      const where = d.queue ? ` on queue ${d.queue}` : '';
      const tries = d.attempts !== null ? ` after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}` : '';
      return `Job ${d.job}${d.jobId ? ` (${d.jobId})` : ''}${where} failed${tries}: ${d.error}`;
    }
    case 'broker.rejected':
      return `${d.broker} rejected the ${d.symbol} order: ${recordedReasonText(d.reason, marketOfCode(d.symbol))}`;
    case 'account.blocked':
      return `${d.broker} reports the account cannot trade (${d.flags.join(', ')}${d.status ? `; account status ${d.status}` : ''}): new entries are refused before the broker; exits and /kill still run. Clear it at the broker, then check /status.`;
    case 'order.ambiguous':
      return `${d.broker} holds a DIFFERENT order under client order id ${d.clientOrderId}: ${d.evidence}. Nothing was booked from it and nothing is sent again. Check the order at the broker, then settle ours with /stuck and /resolve.`;
    case 'data.stale':
      return `Market data from ${d.source} is stale: newest bar ${d.last}, session ${d.sessionDate}. Import or fetch fresh bars (courtside data import).`;
    case 'reconcile.mismatch': {
      const left = d.fixedCount - d.fixed.length + (d.mismatchCount - d.mismatches.length);
      return [reconcileHeadline(d.broker, d.fixedCount, d.mismatchCount), ...reconcileItemLines(d.broker, d.fixed, d.mismatches), ...(left > 0 ? [`… and ${left} more (/reconcile lists them all)`] : [])].join('\n');
    }
    case 'circuit.tripped':
      return circuitTripText(d.broker, d.trip);
    case 'delivery.failing':
      return `Messages to chat ${d.chatId} have not gone through for ${minutes(d.failingMs)} (since ${etOf(d.since)}); Telegram's last answer: ${d.lastError}. They are retried and kept in order; check the bot token and whether the chat blocked the bot.`;
    case 'preflight.failed':
      return preflightFailedText(d);
    case 'recorded':
      return d.recorded;
    case 'unknown':
      return unknownText(d);
  }
}

/** A failed preflight: each failing check with what it saw and its fix, what is blocked, and how to lift it. */
function preflightFailedText(d: Extract<AlertDetail, { code: 'preflight.failed' }>): string {
  const more = d.failCount - d.failing.length;
  const lines = d.failing.map((f) => `✗ ${f.title}: ${f.saw}${f.fix ? ` — fix: ${f.fix}` : ''}`);
  const what = d.blocksEntries
    ? `New entries are blocked (BROKER=${d.broker}) until a preflight passes; exits, /close, flatten and /kill still run.`
    : `Entries are not blocked on ${d.broker}, but fix it before going live.`;
  return [
    `Preflight failed (${d.by}, ${etOf(d.at)}): ${d.failCount} check${d.failCount === 1 ? '' : 's'} ✗.`,
    ...lines,
    ...(more > 0 ? [`… and ${more} more (run /preflight or \`courtside preflight\` to see them all)`] : []),
    `${what} After fixing, run /preflight or \`courtside preflight\`.`,
  ].join('\n');
}

/**
 * What tripped the circuit breaker, with its figures, and what the admin does next. A KR trip
 * (a Korean broker, amounts in won on the Seoul session day) says that the one kill switch
 * stops both markets; the US wording is as it always was.
 */
function circuitTripText(broker: string, t: CircuitTrip): string {
  const kr = isKrBroker(broker) || (t.kind === 'session_loss' && t.currency === 'KRW');
  const stopped = kr ? 'The kill switch is ON for both markets (it is one switch): no new orders go out in US or KR.' : 'The kill switch is ON: no new orders go out.';
  if (t.kind === 'broker_rejections') {
    const last = t.lastBrokerReason === null ? 'it gave no reason' : `the last said: ${t.lastBrokerReason}`;
    return `Circuit breaker (${broker}): the broker rejected ${t.limit} order${t.limit === 1 ? '' : 's'} in a row (${t.clientOrderIds.join(', ')}; ${last}). ${stopped} Check the account at the broker, then /resume.`;
  }
  // Won are whole (no minor unit): ₩1,234,567; any other currency as before.
  const $ = t.currency === 'KRW' ? (n: number) => amountsFor('KR').amount(n) : (n: number) => money(n, { currency: t.currency });
  const session = t.currency === 'KRW' ? `KRX session ${t.sessionDate} (Seoul date)` : `session ${t.sessionDate}`;
  const share = t.equity > 0 ? `${pct(-t.loss / t.equity)} of the equity of ${$(t.equity)}` : `against an equity of ${$(t.equity)}`;
  const unpriced = t.unpriced > 0 ? ` ${t.unpriced} position${t.unpriced === 1 ? '' : 's'} without a price ${t.unpriced === 1 ? 'is' : 'are'} not counted.` : '';
  return (
    `Circuit breaker (${broker}): the loss of ${session} is ${$(t.loss)} (realized ${$(t.realized)}, unrealized ${$(t.unrealized)}), ${share} (${t.equityAsOf}): ` +
    `past the ${t.pct}% limit of ${$(t.threshold)}.${unpriced} ${stopped} Check /pnl and /positions, then /resume when you have decided.`
  );
}

/** What the resolver found, in words. */
export function resolveDetailText(d: ResolveDetail): string {
  switch (d.code) {
    case 'job.completing':
      return `Job ${d.job} is completing again${d.jobId ? ` (${d.jobId})` : ''}.`;
    case 'heartbeat.beating':
      return `The ${d.role} role is beating again (last beat ${etOf(d.lastBeatAt)} from ${d.host}).`;
    case 'slot.enqueued':
      return `Scheduled ${d.slot} for ${d.sessionDate} was enqueued.`;
    case 'broker.accepting':
      return `${d.broker} is accepting orders again.`;
    case 'data.current':
      return `Market data from ${d.source} is current again (${d.last}).`;
    case 'reconcile.matching':
      return 'Reconciliation: our books match the broker again.';
    case 'circuit.resumed':
      return `Circuit breaker (${d.broker}): the kill switch was resumed; the breaker counts afresh from here.`;
    case 'delivery.recovered':
      return `Messages reach chat ${d.chatId} again.`;
    case 'broker.accepted':
      return `${d.broker} took an order again (${d.symbol}): it no longer refuses orders.`;
    case 'preflight.passed':
      return `A preflight passed (${d.by}, ${etOf(d.at)}${d.level === 'warn' ? ', with ⚠ warnings' : ''}): new entries are allowed again.`;
    case 'order.settled':
      return `Order ${d.clientOrderId} was settled by an admin (${d.by}): ${d.result === 'booked' ? "booked from the broker's answer" : d.kind === 'exit' ? "marked failed (nothing sold); the position's exits resume under a new order id" : 'marked failed, its budget released'}.`;
    case 'recorded':
      return d.recorded;
    case 'unknown':
      return unknownText(d);
  }
}
