import { bold, fmt, join, type FmtString } from 'telegraf/format';
import { pinText } from './config-pin-view.js';
import { nyLocalParts } from '../../engine/calendar/index.js';
import { nyTime } from '../format/ny-time.js';
import type { CloseDigestData, ExitReason, FailureLine, FillLine, MorningDigestData, NoSessionDigestData, PositionLine } from '../../trading/digest/types.js';
import { exactPrice } from '../format/display.js';
import { money, pct, signed } from '../format/numbers.js';
import { sessionDayLabel } from '../format/session-date.js';
import { alertDetailText } from './alert-text.js';
import { recordedReasonText, unfilledText } from './recorded-reasons.js';
import { DIGEST_HEAD_PREFIX } from '../../trading/audit/head.js';
import { hypothesesDigestLines } from './digest-hypotheses-view.js';
import { originsText, originText, sharedOriginText } from '../../trading/portfolio/mark-source.js';
import { XKRX_CALENDAR } from '../../engine/calendar/exchange.js';
import type { Market } from '../../engine/market/markets.js';
import { amountsFor } from '../format/market-amounts.js';

/**
 * Digests for a phone: one idea per line, the most important first (kill
 * switch, then what needs a tap, then money, then housekeeping), lists capped
 * at {@link MAX_LIST} lines, no tables.
 */
export const MAX_LIST = 10;

type Line = string | FmtString;

const SEVERITY_ICON: Record<string, string> = { critical: '🔴', fatal: '🔴', error: '🟠', high: '🟠', warning: '🟡', warn: '🟡', medium: '🟡', info: '⚪', low: '⚪' };
const EXIT_REASON: Record<ExitReason, string> = { stop: 'stop hit', time_stop: 'time stop', target: 'profit target', flatten: 'flattened', close: 'closed by hand' };

/** "2026-11-23" → "Mon, Nov 23". */
export function dayLabel(date: string): string {
  return new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

/** "2026-11-20" → "Nov 20". */
export function shortDate(date: string): string {
  return new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}


/** "09:45 ET" on the same market-local day as `now`, else "Nov 24 09:45 ET" (KR: Seoul time, "KST"). */
function when(at: Date, now: Date, f: DigestFormat = US_FORMAT): string {
  const d = f.localDate(at);
  return d === f.localDate(now) ? `${f.clock(at)} ${f.zone}` : `${shortDate(d)} ${f.clock(at)} ${f.zone}`;
}

/** "1h 15m", "30m", "under a minute": how long until an expiry. */
export function untilText(ms: number): string {
  const m = Math.floor(ms / 60_000);
  if (m < 1) return 'under a minute';
  const h = Math.floor(m / 60);
  return h > 0 ? `${h}h ${m % 60}m` : `${m}m`;
}

const price = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');

/**
 * How one market's digest writes money, prices and times. US is exactly what
 * the digest always printed (dollars, prices to the cent, New York time "ET");
 * KR is whole won with ₩ (amountsFor('KR')) and Seoul time "KST".
 */
interface DigestFormat {
  /** Whose digest: the market its recorded reasons are worded for. */
  market: Market;
  /** Words before "morning digest" / "close digest" in the header ('' for US). */
  title: string;
  /** After the header's date: which exchange, money and clock the KR digest uses ('' for US). */
  tag: string;
  /** Who is closed on a day without a session. */
  exchange: string;
  /** The command that scans this market now. */
  scan: string;
  price(n: number): string;
  exactPrice(n: number | null | undefined): string;
  amount(n: number, signed?: boolean): string;
  /** A per-share slippage (US: "+0.05", as before; KR: "+₩5"). */
  perShare(n: number): string;
  /** "09:45" on the market's clock. */
  clock(at: Date): string;
  zone: 'ET' | 'KST';
  /** The market-local date of an instant. */
  localDate(at: Date): string;
}

const US_FORMAT: DigestFormat = {
  market: 'US',
  title: '',
  tag: '',
  exchange: 'The market',
  scan: '/scan',
  price,
  exactPrice,
  amount: (n, signed = false) => money(n, signed ? { signed: true } : {}),
  perShare: (n) => signed(n, Math.abs(Math.round(n * 100) - n * 100) < 1e-6 ? 2 : 4),
  clock: nyTime,
  zone: 'ET',
  localDate: (at) => nyLocalParts(at.getTime()).date,
};

const WON = amountsFor('KR');
const KR_FORMAT: DigestFormat = {
  market: 'KR',
  title: 'KR ',
  tag: ' · KRX, ₩, KST',
  exchange: 'KRX',
  scan: '/scan kr',
  price: (n) => WON.price(n),
  exactPrice: (n) => WON.exactPrice(n),
  amount: (n, signed = false) => WON.amount(n, signed),
  perShare: (n) => WON.amount(n, true),
  // "2026-12-08T08:30:00+09:00": the Seoul wall clock, whatever the server's zone.
  clock: (at) => XKRX_CALENDAR.formatIso(at.getTime()).slice(11, 16),
  zone: 'KST',
  localDate: (at) => XKRX_CALENDAR.dateOf(at.getTime()),
};

/** The format of a digest's market (absent = US). */
function formatOf(market: Market | undefined): DigestFormat {
  return market === 'KR' ? KR_FORMAT : US_FORMAT;
}

function capped<T>(items: readonly T[], render: (t: T) => Line, max = MAX_LIST): Line[] {
  const out = items.slice(0, max).map(render);
  if (items.length > max) out.push(`… and ${items.length - max} more`);
  return out;
}

function header(icon: string, title: string, date: string, demo: boolean, f: DigestFormat = US_FORMAT): FmtString {
  // "Morning digest" stays as it was for US; KR reads "KR morning digest".
  const named = f.title ? `${f.title}${title.charAt(0).toLowerCase()}${title.slice(1)}` : title;
  return fmt`${icon} ${bold`${named} · ${dayLabel(date)}`}${f.tag}${demo ? ' · DEMO data' : ''}`;
}

function killSwitchLine(k: MorningDigestData['killSwitch']): FmtString {
  return k.engaged
    ? fmt`🛑 ${bold`Kill switch ON`} — ${k.reason ?? 'no reason given'}${k.changedBy ? ` (by ${k.changedBy})` : ''}. No orders until /resume.`
    : fmt`✅ Kill switch off — trading allowed`;
}

/** The audit chain's head, kept by whoever reads the digest: `courtside audit verify --expect-head <seq>:<hex>` later proves the log was not rewritten. */
function auditHeadLine(h: MorningDigestData['auditHead']): string {
  return h ? `Audit head #${h.seq} · ${h.hash.slice(0, DIGEST_HEAD_PREFIX)}…` : 'Audit log empty';
}

/** The configuration pin (issue 20): one line, or each role's when they differ. Older data without pins: nothing. */
function configPinDigestLines(pins: MorningDigestData['configPins']): string[] {
  if (!pins || pins.length === 0) return [];
  const distinct = new Set(pins.map((p) => p.pin));
  if (distinct.size === 1) return [`Config pin ${pinText(pins[0]!.pin)}`];
  return [`⚠️ Config pins differ: ${pins.map((p) => `${p.role} ${pinText(p.pin)}`).join(', ')} — restart the roles with the same settings`];
}

/** What failed, in a few words: the alert kind, or the order or approval and how it ended. */
export function failureTitle(f: FailureLine): string {
  switch (f.source) {
    case 'alert':
      return f.kind;
    case 'order':
      if (f.orderKind !== 'exit') return `${f.symbol} ${f.side} ${f.qty} rejected`;
      return `${f.symbol} exit (${f.exitReason ?? 'exit'}) ${f.state === 'rejected' ? 'rejected' : f.filledQty > 0 ? `partly filled (${f.filledQty}/${f.qty})` : 'not filled'}`;
    case 'approval':
      return `${f.symbol} ${f.state === 'failed' ? 'order failed' : `refused${f.refusedGate ? ` by ${f.refusedGate}` : ''}`}`;
  }
}

/** Why it failed: the alert's description, the broker's or the gate's reason (as a US digest words it). */
export function failureDetail(f: FailureLine): string {
  return marketFailureDetail(f, 'US');
}

/** {@link failureDetail} in a `market` digest's words: KR amounts in whole won, KRX times in KST. */
export function marketFailureDetail(f: FailureLine, market: Market): string {
  switch (f.source) {
    case 'alert':
      return alertDetailText(f.detail);
    case 'order': {
      // Who ended the unfilled part (all of it, or the rest of a partial fill), as recorded at booking.
      const unfilled = unfilledText(f);
      if (unfilled) return f.filledQty > 0 ? `the other ${f.qty - f.filledQty}: ${unfilled}` : unfilled;
      return f.rejectReason ? recordedReasonText(f.rejectReason, market) : (f.brokerReason ?? (f.orderKind === 'exit' ? 'the position is still open' : 'no reason given'));
    }
    case 'approval':
      return f.reason ? recordedReasonText(f.reason, market) : 'no reason given';
  }
}

function failureLine(f: FailureLine, now: Date, fm: DigestFormat = US_FORMAT): string {
  const icon = SEVERITY_ICON[f.severity.toLowerCase()] ?? '🟡';
  const extra = [f.count > 1 ? `×${f.count}` : '', f.open ? 'still open' : '', when(f.at, now, fm)].filter(Boolean).join(', ');
  return `${icon} ${failureTitle(f)} — ${marketFailureDetail(f, fm.market)} (${extra})`;
}

/**
 * What the move is measured from: the close before, the fill (bought since),
 * or both. A reference that was the broker's mark is named as such ("vs
 * Alpaca mark 2026-11-19 16:10 ET 10.50"), never as a close.
 */
function sinceText(p: PositionLine, today: string, f: DigestFormat): string {
  if (p.refDate === null) return '';
  if (p.refKind === 'fill') return `since bought ${shortDate(p.refDate)} @ ${f.exactPrice(p.refPrice)}`;
  const broker = p.refOrigin?.kind === 'broker' ? originText(p.refOrigin, today) : null;
  if (p.refKind === 'mixed') return broker ? `vs ${broker}, shares bought since from their fill` : `vs ${shortDate(p.refDate)} close, shares bought since from their fill`;
  return broker ? `vs ${broker} ${f.exactPrice(p.refPrice)}` : `vs ${shortDate(p.refDate)} close ${f.exactPrice(p.refPrice)}`;
}

/** `labelled`: the line names its price's origin (the heading does not, as the positions' origins differ). */
function positionText(p: PositionLine, today: string, labelled: boolean, f: DigestFormat): string {
  const move =
    p.change !== null && p.changePct !== null && p.changeValue !== null && p.refDate
      ? `${pct(p.changePct, { signed: true })} (${f.amount(p.changeValue, true)}) ${sinceText(p, today, f)}`
      : 'no earlier close to compare';
  const origin = labelled && p.priceOrigin ? ` (${originText(p.priceOrigin, today)})` : '';
  const at = p.price !== null ? `${p.qty} sh @ ${f.price(p.price)}${origin}` : `${p.qty} sh, no price yet (cost ${f.price(p.avgCost)})`;
  const pnl = p.unrealized !== null ? ` · P&L ${f.amount(p.unrealized, true)}` : '';
  return `• ${p.symbol} ${move} · ${at}${pnl}`;
}

/** The morning digest message. */
export function morningDigestView(d: MorningDigestData): FmtString {
  const now = d.generatedAt;
  const f = formatOf(d.market);
  const lines: Line[] = [header('☀️', 'Morning digest', d.sessionDate, d.demo, f), killSwitchLine(d.killSwitch)];
  if (!d.marketOpenToday) lines.push(`📅 ${f.exchange} is closed today.`);
  if (d.openAlerts.length > 0) {
    lines.push(fmt`🚨 ${bold`${String(d.openAlerts.length)} open alert${d.openAlerts.length === 1 ? '' : 's'}`}`);
    lines.push(...capped(d.openAlerts, (a) => `${SEVERITY_ICON[a.severity.toLowerCase()] ?? '🟡'} ${a.kind} — ${alertDetailText(a.detail)}${a.count > 1 ? ` (×${a.count})` : ''}`, 3));
  }

  lines.push('');
  if (d.pendingPicks.length > 0) {
    lines.push(fmt`🕒 ${bold`Awaiting your approval (${String(d.pendingPicks.length)})`}`);
    lines.push(
      ...capped(d.pendingPicks, (p) => `• ${p.symbol} ${p.strategy} · ${p.qty} sh @ ${f.price(p.entry)} · expires ${when(p.expiresAt, now, f)} (in ${untilText(p.expiresAt.getTime() - now.getTime())})`),
    );
  } else {
    lines.push('🕒 No picks awaiting approval.');
  }
  if (d.openApprovals.length > 0) {
    lines.push(fmt`⏳ ${bold`Approved, order not done (${String(d.openApprovals.length)})`}`);
    lines.push(...capped(d.openApprovals, (a) => `• ${a.symbol} ${a.strategy} · ${a.qty} sh · ${a.state} · window ends ${when(a.expiresAt, now, f)}`));
  }

  lines.push('');
  if (d.positions.length > 0) {
    const open = d.positions.reduce((s, p) => s + (p.unrealized ?? 0), 0);
    const today = f.localDate(now);
    // Where the prices are from: once in the heading when every priced position shares it, else on each line.
    const origins = d.positions.flatMap((p) => (p.price !== null && p.priceOrigin ? [p.priceOrigin] : []));
    const shared = origins.length === d.positions.filter((p) => p.price !== null).length ? sharedOriginText(origins, today) : null;
    lines.push(fmt`📈 ${bold`Positions (${String(d.positions.length)})`} · open P&L ${f.amount(open, true)}${shared ? ` · prices: ${shared}` : ''}`);
    lines.push(...capped(d.positions, (p) => positionText(p, today, shared === null, f)));
  } else {
    lines.push('📈 No open positions.');
  }

  lines.push('');
  const b = d.budget;
  lines.push(
    b.limit === null
      ? `💵 Budget: no daily limit configured (spent ${f.amount(b.spent)} today)`
      : `💵 Budget: ${f.amount(b.left ?? 0)} left of ${f.amount(b.limit)} today${b.spent > 0 ? ` (spent ${f.amount(b.spent)})` : ''}`,
  );
  lines.push(
    d.scans.length > 0
      ? `🔎 Scans today: ${d.scans.map((s) => `${f.clock(s.at)}${s.what ? ` (${s.what})` : ''}`).join(', ')} ${f.zone}`
      : `🔎 No scans scheduled today; send ${f.scan} to run one.`,
  );
  if (d.freshness.sources.length === 0) {
    lines.push('🗂 Data: no bars stored yet.');
  } else {
    lines.push(`🗂 Data (expected ${shortDate(d.freshness.expected)}):`);
    lines.push(
      ...capped(
        d.freshness.sources,
        (s) =>
          `${s.sessionsBehind === 0 ? '✓' : '⚠️'} ${s.source}${s.demo ? ' (DEMO)' : ''} to ${shortDate(s.lastDate)}, ${s.symbols} symbol${s.symbols === 1 ? '' : 's'}${
            s.sessionsBehind > 0 ? ` — ${s.sessionsBehind} session${s.sessionsBehind === 1 ? '' : 's'} behind` : ''
          }`,
        5,
      ),
    );
  }
  lines.push(auditHeadLine(d.auditHead));
  lines.push(...configPinDigestLines(d.configPins));
  return join(lines, '\n');
}

/** A fill row: qty × slip/sh is the money figure, to the cent or the won (prices shown as exactly as they are). */
function fillText(f: FillLine, fm: DigestFormat = US_FORMAT): string {
  const head = `• ${f.side.toUpperCase()} ${f.symbol} ${f.qty} @ ${fm.exactPrice(f.avgPrice)}${f.kind === 'exit' ? ' (exit)' : ''}`;
  if (f.decisionPrice === null || f.slippage === null || f.slippageBps === null || f.slippageCost === null) return `${head} · no decision price`;
  return `${head} · decided ${fm.exactPrice(f.decisionPrice)} · slip ${fm.perShare(f.slippage)}/sh (${signed(f.slippageBps, 1)} bps) = ${fm.amount(f.slippageCost, true)}`;
}

/**
 * "Value at risk (99 %, 1 day): $X (Y % of equity)" — the % is X over the equity the line's figure
 * came with; /risk shows the method. Nothing without the figure or without open positions' bars.
 */
export function valueAtRiskLine(v: CloseDigestData['valueAtRisk']): string | null {
  if (!v) return null;
  if (v.days === 0) return v.missing.length > 0 ? `Value at risk (99 %, 1 day): not drawn, no bars for ${v.missing.join(', ')} (/risk)` : null;
  const share = v.equity !== null && v.equity > 0 ? ` (${pct(v.var99 / v.equity)} of equity ${money(v.equity)})` : ' (no equity mark)';
  const left = v.missing.length > 0 ? ` · left out, no bars: ${v.missing.join(', ')}` : '';
  return `Value at risk (99 %, 1 day): ${money(v.var99)}${share}${left} · /risk for 95 %, ES and the method`;
}

/** The close digest message (the equity chart is sent separately). */
export function closeDigestView(d: CloseDigestData): FmtString {
  const now = d.generatedAt;
  const f = formatOf(d.market);
  const p = d.pnl;
  const bm = d.benchmark;
  const lines: Line[] = [header('🌙', 'Close digest', d.sessionDate, d.demo, f)];

  const dayPct = p.dayReturn !== null ? ` (${pct(p.dayReturn, { signed: true })})` : '';
  // No benchmark (KR): nothing to compare with, so no comparison is printed.
  const vs =
    bm.symbol === ''
      ? ''
      : bm.ret !== null
      ? ` · ${bm.symbol} ${pct(bm.ret, { signed: true })}${p.dayReturn !== null ? ` → ${signed((p.dayReturn - bm.ret) * 100, 2)} pp vs ${bm.symbol}` : ''}`
      : ` · ${bm.symbol}: no close for ${shortDate(d.sessionDate)} yet`;
  lines.push(fmt`📊 ${bold`Day P&L ${f.amount(p.day, true)}`}${dayPct}${vs}`);
  const since = p.prevMarkDate ? ` since ${shortDate(p.prevMarkDate)}` : '';
  lines.push(
    `Realized ${f.amount(p.realized, true)} · unrealized ${f.amount(p.unrealizedNow - p.unrealizedPrev, true)}${since}` +
      ` · open P&L ${f.amount(p.unrealizedNow, true)} on ${p.openPositions} position${p.openPositions === 1 ? '' : 's'}`,
  );
  const prices = originsText(p.origins ?? [], d.sessionDate);
  if (prices) lines.push(`Prices: ${prices}`);
  if (p.unpriced > 0) lines.push(`⚠️ ${p.unpriced} position${p.unpriced === 1 ? ' has' : 's have'} no price yet (valued at cost).`);
  if (p.equity !== null) lines.push(`Equity ${f.amount(p.equity)}`);
  const risk = valueAtRiskLine(d.valueAtRisk);
  if (risk) lines.push(risk);
  if (d.killSwitch.engaged) lines.push(killSwitchLine(d.killSwitch));

  lines.push('');
  if (d.failures.length > 0) {
    lines.push(fmt`⚠️ ${bold`Failed today (${String(d.failures.length)})`}`);
    lines.push(...capped(d.failures, (x) => failureLine(x, now, f), 8));
  } else {
    lines.push('✅ Nothing failed today.');
  }

  lines.push('');
  if (d.exits.length === 0 && d.fills.length === 0) {
    lines.push('💱 No fills or exits today.');
  } else {
    if (d.exits.length > 0) {
      lines.push(fmt`🚪 ${bold`Exits (${String(d.exits.length)})`}`);
      lines.push(
        ...capped(d.exits, (e) => `• ${e.symbol} sold ${e.qty} @ ${f.exactPrice(e.price)} · ${EXIT_REASON[e.reason] ?? e.reason}${e.realizedPnl !== null ? ` · ${f.amount(e.realizedPnl, true)}` : ''}`),
      );
    } else {
      lines.push('🚪 No exits today.');
    }
    lines.push(fmt`💱 ${bold`Fills (${String(d.fills.length)})`} · slippage ${f.amount(d.slippageTotal, true)}`);
    lines.push(...capped(d.fills, (x) => fillText(x, f)));
  }
  const hyp = hypothesesDigestLines(d.hypotheses);
  if (hyp.length > 0) lines.push('', ...hyp);
  lines.push(auditHeadLine(d.auditHead));
  lines.push(...configPinDigestLines(d.configPins));
  return join(lines, '\n');
}

/**
 * `/digest close` on a day without a session: no day P&L (no close will
 * come), the last and next session, and the open P&L as /positions shows it.
 */
export function noSessionDigestView(d: NoSessionDigestData): FmtString {
  const o = d.open;
  const f = formatOf(d.market);
  const lines: Line[] = [
    header('🌙', 'Close digest', d.date, d.demo, f),
    fmt`📅 ${bold`No session today; last session ${sessionDayLabel(d.lastSession)}`}, next ${sessionDayLabel(d.nextSession)}. No close today, so no day P&L.`,
    o.count === 0
      ? '📈 No open positions.'
      : `📈 Open P&L ${f.amount(o.unrealizedPnl, true)} on ${o.count} position${o.count === 1 ? '' : 's'} · value ${f.amount(o.marketValue)} (as /positions shows)`,
  ];
  const prices = originsText(o.origins ?? [], d.date);
  if (prices) lines.push(`Prices: ${prices}`);
  if (o.unpriced > 0) lines.push(`⚠️ ${o.unpriced} position${o.unpriced === 1 ? ' has' : 's have'} no price yet (valued at cost, not in the P&L).`);
  if (d.equity) lines.push(`Equity ${f.amount(d.equity.equity)} at the ${shortDate(d.equity.date)} mark`);
  if (d.killSwitch.engaged) lines.push(killSwitchLine(d.killSwitch));
  lines.push(auditHeadLine(d.auditHead));
  lines.push(...configPinDigestLines(d.configPins));
  return join(lines, '\n');
}
