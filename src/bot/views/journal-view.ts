import type { JournalDetail } from '../../trading/journal/lookup.js';
import type { JournalEntry } from '../../trading/journal/read.js';
import type { FixedExplanation, KellyExplanation, SizingExplanation } from '../../trading/journal/sizing.js';
import { money } from '../format/numbers.js';
import { nyToday } from '../../engine/calendar/timezone.js';
import { nyTime } from '../format/ny-time.js';

/** The decision journal in words: one line per decision for /journal, the inputs for its "Why". */

type Inputs = Record<string, unknown>;
const n = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v !== '' && Number.isFinite(Number(v)) ? Number(v) : null);
const s = (v: unknown): string => (v === null || v === undefined ? '—' : String(v));
/** A fraction as a percentage without float noise: 0.005 → "0.5". */
const pctOf = (f: number) => String(Number((f * 100).toFixed(6)));
const score = (v: unknown) => (n(v) === null ? '—' : String(Number(n(v)!.toFixed(4))));

/** What one decision says, in a few words (after the symbol). */
function what(e: JournalEntry): string {
  const i: Inputs = e.inputs;
  switch (e.action) {
    case 'signal.sized':
      return `signal by ${s(e.source)} on ${s(e.session)} · score ${score(i.score)} · qty ${s(i.qty)}`;
    case 'signal.not_live':
      return `signal by ${s(e.source)} on ${s(e.session)} · dropped: the hypothesis is no longer LIVE`;
    case 'card.posted':
      return `card posted (#${s(i.rank)} of ${s(i.of)}) · pick ${s(e.pickId)}`;
    case 'card.duplicate':
      return `no new card: #${s(i.rank)}, already shown or decided (${s(i.state)}) · pick ${s(e.pickId)}`;
    case 'card.top_n_cut':
      return `not posted: ranked #${s(i.rank)} of ${s(i.of)}, only the top ${s(i.topN)} are posted · pick ${s(e.pickId)}`;
    case 'card.no_size':
      return 'not posted: no source would size it (no edge, or a cap already full)';
    case 'skip.missing_session':
      return `not scanned by ${skipSource(e.source)} on ${s(e.session)}: ${s(i.missing)} session(s) without a bar in its ${s(i.lookback)}-session look-back (${s(i.firstMissing)} … ${s(i.lastMissing)})`;
    case 'pick.approved':
      return `approved by ${s(i.actor)} · ${s(i.qty)} shares · pick ${s(i.pickId)}`;
    case 'pick.rejected':
      return `rejected by ${s(i.actor)} · pick ${s(i.pickId)}`;
    case 'pick.expired':
      return `expired undecided (nobody approved or rejected it by ${n(Date.parse(s(i.expiredAt))) ? nyTime(new Date(s(i.expiredAt))) : s(i.expiredAt)} ET) · nothing ordered · pick ${s(i.pickId)}`;
    case 'execution.refused':
      return `refused by the ${s(i.gate)} gate${i.limit ? ` (${s(i.limit)})` : ''} · nothing ordered`;
    case 'execution.failed':
      return `entry failed: ${typeof i.reason === 'object' && i.reason ? s((i.reason as Inputs).code) : s(i.reason)}`;
    case 'order.created':
      return `order ${s(i.side)} ${s(i.qty)} @ limit ${s(i.limitPrice)} (ask ${s(i.ask)})`;
    case 'killswitch.engaged':
      return `kill switch ON${i.reason ? `: ${s(i.reason)}` : ''}`;
    case 'killswitch.resumed':
      return 'kill switch off: trading resumed';
    case 'hypothesis.transition':
      return `hypothesis ${s(i.hypothesisId ?? i.id)}: ${s(i.from)} → ${s(i.to)}`;
  }
  if (/^(order|exit)\.(filled|partially_filled|not_filled|canceled|cancelled|rejected|expired)$/.test(e.action)) {
    const [kind, status] = e.action.split('.');
    return `${kind === 'exit' ? 'exit' : 'order'} ${status!.replace('_', ' ')} ${s(i.filledQty ?? 0)}/${s(i.qty)}${n(i.avgFillPrice) ? ` @ avg ${s(i.avgFillPrice)}` : ''}`;
  }
  return e.action.replace('.', ' ').replace(/_/g, ' ');
}

/** Who skipped a symbol: `all` is every strategy of the scan. */
function skipSource(source: string | null): string {
  return source === 'all' ? 'any strategy' : s(source);
}

/** One line: "3. 11:02 ET · XLK · not posted: …". */
export function journalLine(e: JournalEntry, index: number): string {
  return `${index}. ${nyTime(new Date(e.at))} ET · ${e.symbol ?? '—'} · ${what(e)}`;
}

/** A page of the journal: its title, one line per decision, a hint for the next page. */
export function journalPageText(title: string, entries: readonly JournalEntry[], offset: number, more: boolean, nextHint: string | null): string {
  if (entries.length === 0) return offset === 0 ? `📓 Journal — ${title}: no decisions recorded.` : `📓 Journal — ${title}: no older decisions.`;
  const days = new Set(entries.map((e) => nyToday(new Date(e.at))));
  // The day once: a title that names it ("today (2026-12-04)") is not followed by it again.
  const day = days.size === 1 ? [...days][0]! : null;
  const head = `📓 Journal — ${title}, newest first${day && !title.includes(day) ? ` (${day})` : ''}:`;
  const lines = entries.map((e, i) => journalLine(e, offset + i + 1));
  const foot = more ? (nextHint ? `Older: the ›› button or ${nextHint}` : 'Older entries exist: narrow it with a symbol or a pick id.') : null;
  return [head, ...lines, ...(foot ? [foot] : []), 'Tap Why N for the inputs of line N.'].join('\n');
}

/** The inputs of one decision, worded; numbers as recorded, so they recompute. */
export function journalDetailText(d: JournalDetail): string {
  const e = d.entry;
  const i: Inputs = e.inputs;
  const out: string[] = [`🔎 Why — ${e.symbol ?? ''} ${e.action} (${e.ref}), ${e.at.slice(0, 16).replace('T', ' ')} UTC`];
  switch (e.action) {
    case 'signal.sized':
    case 'signal.not_live':
      out.push(`Signal by ${s(e.source)} on ${s(e.session)}, score ${score(i.score)}.`);
      if (Array.isArray(i.reasons) && i.reasons.length) out.push(`Why line: ${i.reasons.map(String).join('; ')}`);
      out.push(`Entry ${s(i.entry)} · stop ${s(i.stop)} · target ${s(i.target)} · ATR ${s(i.atr)} · time stop ${s(i.timeStopBars)} bars`);
      if (e.action === 'signal.not_live') out.push('Dropped: its hypothesis was no longer LIVE when the scan finished (no size, no pick).');
      break;
    case 'card.top_n_cut': {
      const sc = n(i.score);
      const cut = n(i.cutoffScore);
      out.push(`Not posted: ranked #${s(i.rank)} of ${s(i.of)} picks by score; only the top ${s(i.topN)} are posted as cards (SCAN_TOP_N).`);
      if (sc !== null && cut !== null) {
        out.push(sc < cut ? `Cut: score ${score(sc)} below ${score(cut)}, the score of #${s(i.topN)}.` : `Cut: score ${score(sc)} equal to ${score(cut)}, the score of #${s(i.topN)} (ties go by symbol).`);
      }
      out.push(`Its pick ${s(e.pickId)} is stored: /approve ${s(e.pickId)} still works until it expires.`);
      break;
    }
    case 'card.duplicate':
      out.push(`No new card: ranked #${s(i.rank)} of ${s(i.of)}, but its chat was shown it already or it was decided (state ${s(i.state)}). A card is never posted twice.`);
      break;
    case 'card.posted':
      out.push(`Posted as a card: ranked #${s(i.rank)} of ${s(i.of)} (top ${s(i.topN)}), score ${score(i.score)}; qty ${s(i.qty)}, entry ${s(i.entry)}, stop ${s(i.stop)}, risk ${n(i.dollarRisk) === null ? '—' : money(n(i.dollarRisk)!)}.`);
      break;
    case 'skip.missing_session':
      out.push(
        `Not scanned by ${skipSource(e.source)} on ${s(e.session)}: of the last ${s(i.lookback)} exchange sessions its signal reads, ${s(i.missing)} have no bar (first ${s(i.firstMissing)}, last ${s(i.lastMissing)}).`,
        'Its indicators would span the hole, so it is left out rather than signalled on. Re-import the bars, then `courtside data check` lists what is still missing.',
      );
      break;
    case 'card.no_size':
      out.push('Not posted: none of its sources would size it.');
      for (const src of Array.isArray(i.sources) ? (i.sources as Inputs[]) : []) out.push(`  ${s(src.source)}: qty ${s(src.qty)} (${s((src.sizing as Inputs | undefined)?.method)}${(src.sizing as Inputs | undefined)?.reason ? `: ${s((src.sizing as Inputs).reason)}` : ''})`);
      break;
    default:
      out.push(...auditLines(e.action, i));
  }
  if (d.sizing) out.push('', ...sizingLines(d.sizing));
  if (d.pick && /^(order|execution|pick)\./.test(e.action)) {
    const orderQty = n(i.qty);
    out.push(`Pick ${d.pick.id}: ${d.pick.symbol} ${d.pick.strategy}, session ${d.pick.sessionDate}, sized ${d.pick.qty}${orderQty !== null && e.action.startsWith('order.') ? `; the order was for ${orderQty}${orderQty < d.pick.qty ? ' (trimmed to the per-order budget: floor(budget ÷ limit))' : ''}` : ''}.`);
  }
  if (e.auditSeq !== null) out.push(e.ref.startsWith('a') ? `Audit #${e.auditSeq} (courtside audit verify checks it).` : `Linked to audit #${e.auditSeq} (the scan's scan.decisions row; its digest covers this row).`);
  return out.join('\n');
}

function auditLines(action: string, i: Inputs): string[] {
  const skip = new Set(['action', 'at', 'actor']);
  const lines: string[] = [];
  if (/^(order|exit)\./.test(action) && n(i.filledQty) !== null) {
    lines.push(`Order ${s(i.clientOrderId)}: filled ${s(i.filledQty)} of ${s(i.qty)}${n(i.avgFillPrice) !== null ? ` @ avg ${s(i.avgFillPrice)}` : ''}${n(i.filledNotional) !== null ? `, notional ${money(n(i.filledNotional)!)}` : ''}.`);
  }
  if (action === 'execution.refused') lines.push(`Refused by the ${s(i.gate)} gate${i.limit ? ` at its ${s(i.limit)} limit` : ''}.`);
  const rest = Object.entries(i).filter(([k]) => !skip.has(k));
  lines.push(`By ${s(i.actor)}. Recorded: ${rest.map(([k, v]) => `${k} ${typeof v === 'object' && v !== null ? JSON.stringify(v) : s(v)}`).join(' · ')}`);
  return lines;
}

/** "How was this sized", step by step. */
export function sizingLines(z: SizingExplanation): string[] {
  if (z.method === 'refused') return [`Sizing (${z.source}): half-Kelly refused the inputs (${z.reason}, ${z.field}): qty 0.`];
  if (z.method === 'kelly') return kellyLines(z);
  return fixedLines(z);
}

function fixedLines(z: FixedExplanation): string[] {
  return [
    `How it was sized (${z.source}, a fixed fraction of equity at risk):`,
    `  equity ${money(z.equity)} × risk ${pctOf(z.riskFraction)} % = ${money(z.riskDollars)} at risk`,
    `  entry ${z.entry} − stop ${z.stop} = ${z.perShareRisk.toFixed(2)} a share → ${z.byRisk} shares by risk`,
    `  cap ${pctOf(z.maxPositionFraction)} % of equity = ${money(z.capDollars)} ÷ entry ${z.entry} → ${z.byCap} shares`,
    `  qty = min(${z.byRisk}, ${z.byCap}) = ${z.qty} (limited by ${z.limitedBy === 'risk' ? 'risk' : 'the position cap'})${z.recomputes ? '' : ` ⚠ the pick stored ${z.storedQty}`}`,
  ];
}

function kellyLines(z: KellyExplanation): string[] {
  return [
    `How it was sized (${z.source}, half-Kelly, rule ${z.rule}): n ${z.n} closed trades, p ${score(z.p)}, b ${score(z.b)}`,
    `  equity ${money(z.equity)} × risk ${pctOf(z.riskFraction)} % = ${money(z.riskDollars)} at risk ÷ ${z.riskPerShare} a share → ${z.kellyQty} shares before the caps`,
    ...z.caps.map((c) => `  cap ${c.cap}: ${money(c.budget)} ÷ ${c.perShare} → at most ${c.maxQty}`),
    `  qty ${z.storedQty}${z.boundBy ? ` (bound by ${z.boundBy})` : ''}`,
  ];
}
