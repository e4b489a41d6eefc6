import { bold, fmt, join, type FmtString } from 'telegraf/format';
import type { BrokerAccountStatus } from '../../trading/status/broker-account.js';
import type { SystemStatus } from '../../trading/status/status.js';
import type { DataCheckSummary } from '../../trading/data-check/store.js';
import { alertDetailText, formatEt } from './alert-text.js';
import { humanDuration } from './duration.js';
import { hypothesesStatusLines } from './status-hypotheses-view.js';
import { configPinLines } from './config-pin-view.js';
import { marketsStatusLines } from './status-markets-view.js';

/** /status as a short, phone-readable message: the most important line first. */
export function statusView(s: SystemStatus): FmtString {
  const ks = s.killSwitch;
  const lines: (string | FmtString)[] = [];
  lines.push(
    ks.engaged
      ? fmt`🛑 ${bold`Kill switch: ON`} — ${ks.reason ?? 'no reason given'}${ks.changedBy ? ` (by ${ks.changedBy})` : ''}`
      : fmt`✅ ${bold`Kill switch: off`} — trading allowed`,
  );
  // Which kill (or resume) the switch is at, and who made it: confirmations and owed cancel-alls name epochs.
  if (ks.epoch !== null) lines.push(`Kill epoch ${ks.epoch}${ks.changedBy ? ` · changed by ${ks.changedBy}` : ''}${ks.changedAt ? ` at ${formatEt(ks.changedAt.getTime())}` : ''}`);
  for (const o of s.cancelOwed ?? []) {
    const tries = o.attempts > 0 ? ` — ${o.attempts} tr${o.attempts === 1 ? 'y' : 'ies'} so far${o.lastError ? ` (${o.lastError})` : ''}` : '';
    lines.push(`⏳ Cancel-all owed for kill epoch ${o.epoch} since ${formatEt(o.since.getTime())}: a worker performs it and sends the proof${tries}`);
  }
  if (s.cancelOwed === null) lines.push('⚠️ Owed cancel-alls cannot be read (Postgres)');
  if (ks.postgres !== ks.redis) lines.push(`⚠️ Kill switch stores disagree (Postgres: ${String(ks.postgres)}, Redis: ${String(ks.redis)}); failing closed. Send /kill or /resume again to settle it.`);
  // Next to the kill switch: both say whether new entries can go now.
  if (s.brokerAccount) lines.push(brokerAccountLine(s.brokerAccount));
  lines.push(fmt`Mode: ${s.mode} · up ${humanDuration(s.uptimeMs)}`);
  lines.push(...configPinLines(s.configPin, s.heartbeats));
  lines.push(`Postgres: ${s.db.ok ? `ok (${s.db.ms.toFixed(1)} ms)` : `DOWN — ${s.db.error ?? 'no answer'}`}`);
  lines.push(`Redis: ${s.redis.ok ? `ok (${s.redis.ms.toFixed(1)} ms)` : `DOWN — ${s.redis.error ?? 'no answer'}`}`);
  if (s.queues) {
    lines.push(bold`Queues (waiting/active/delayed/failed)`);
    for (const [q, c] of Object.entries(s.queues)) lines.push(`• ${q}: ${(c.waiting ?? 0) + (c.prioritized ?? 0)}/${c.active ?? 0}/${c.delayed ?? 0}/${c.failed ?? 0}`);
  } else {
    lines.push('Queues: unavailable');
  }
  if (s.dataCheck) lines.push(dataCheckLine(s.dataCheck));
  // Each market's session, broker and data (issue 15), headed like the other sections.
  const [marketsHead, ...markets] = marketsStatusLines(s.markets);
  if (marketsHead !== undefined) lines.push(bold`${marketsHead}`, ...markets);
  lines.push(...hypothesesStatusLines(s.hypotheses));
  if (s.alerts.length > 0) {
    lines.push(bold`Open alerts`);
    for (const a of s.alerts.slice(0, 6)) lines.push(`${a.severity === 'critical' ? '🔴' : '🟠'} ${alertDetailText(a.detail)} (since ${humanDuration(Date.now() - a.firstAt.getTime())})`);
    if (s.alerts.length > 6) lines.push(`… and ${s.alerts.length - 6} more`);
  }
  if (s.heartbeats.length > 0) {
    lines.push(bold`Processes`);
    for (const h of s.heartbeats.slice(0, 8)) lines.push(`${h.stale ? '⚠️' : '•'} ${h.role} pid ${h.pid} — last beat ${humanDuration(h.ageMs)} ago${h.stale ? ' (STALE)' : ''}`);
  }
  return join(lines, '\n');
}

/** The broker account's line: whether the broker lets new entries through, and the account status it reports. */
export function brokerAccountLine(b: BrokerAccountStatus): string {
  if (!b.readable) return `⚠️ Broker ${b.broker}: broker account unreadable: ${b.error} — entries read it again before each order; check the keys and the broker's status page`;
  const status = b.status !== null ? ` (account status ${b.status})` : '';
  if (b.blocking.length > 0) return `⚠️ Broker ${b.broker}: ${b.blocking.join(', ')} — new entries are refused; exits and /kill still run${status}`;
  if (!b.hasFlags) return `Broker ${b.broker}: account readable (this broker reports no trading flags)`;
  return `Broker ${b.broker}: ${b.status !== null ? `account ${b.status}, ` : ''}trading allowed`;
}

/**
 * The data line: the last calendar check's findings, which add up ("3 findings (2 symbols):
 * missing_session 1, stale 2"), and when it ran, or how to run one.
 */
export function dataCheckLine(d: NonNullable<SystemStatus['dataCheck']>): string {
  if ('error' in d) return `⚠️ Data: the last data check cannot be read (${d.error}) — run courtside data check`;
  const c: DataCheckSummary | null = d.last;
  if (c === null) return 'Data: not checked against the calendar yet — run courtside data check';
  const n = c.counts.missing_session + c.counts.stale;
  const when = `checked ${formatEt(c.checkedAt.getTime())} of ${c.symbols.toLocaleString('en-US')} symbols, last session ${c.lastCompleted}`;
  if (n === 0) return `Data: no findings (${when}) — courtside data check`;
  return `${c.counts.missing_session > 0 ? '⚠️ ' : ''}Data: ${n} finding${n === 1 ? '' : 's'} (${c.symbolsFlagged} symbol${c.symbolsFlagged === 1 ? '' : 's'}): missing_session ${c.counts.missing_session}, stale ${c.counts.stale} (${when}) — courtside data check lists them`;
}
