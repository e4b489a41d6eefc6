import { bold, fmt, join, type FmtString } from 'telegraf/format';
import { pct, signed } from '../format/numbers.js';
import { table } from '../format/table.js';
import type { Metrics } from '../../engine/backtest/index.js';
import type { BacktestEnd } from '../../trading/backtest/execute.js';
import type { BacktestReport } from '../../trading/backtest/report.js';
import { formatSizing, nonDefaultParams, requestMarket, strategyLabel, type BacktestRequest } from '../../trading/backtest/request.js';
import { backtestAmount, krCostsLine } from './backtest-money.js';
import type { BacktestProgress } from '../../trading/backtest/run.js';
import { BACKTEST_TTL_SECONDS } from '../../jobs/handlers/backtest-job.js';
import { CALLBACK_ACTIONS, signCallback } from '../callback-data.js';
import { shortHash } from '../../trading/manifest/manifest.js';
import type { Keyboard } from '../format/message.js';
import { backtestNoteText } from './backtest-notes.js';

/** "3 symbols", "SPY", "the default universe". */
export function universeLabel(request: Pick<BacktestRequest, 'universe' | 'market'>): string {
  const u = request.universe;
  if (u.kind === 'universe' && requestMarket(request) === 'KR') return u.name === 'default' ? 'the stored KR universe (KRX)' : `KR universe ${u.name}`;
  if (u.kind === 'universe') return u.name === 'default' ? 'the default universe' : `universe ${u.name}`;
  if (u.symbols.length <= 3) return u.symbols.join(', ');
  return `${u.symbols.length} symbols`;
}

function rangeLabel(request: Pick<BacktestRequest, 'from' | 'to'>): string {
  if (request.from === null && request.to === null) return '';
  return ` (${request.from ?? 'start'} → ${request.to ?? 'end'})`;
}

/** First line of the acknowledgement: "⏳ Backtesting donchian on 3 symbols…". */
export function ackText(request: BacktestRequest): string {
  const n = request.universe.kind === 'symbols' ? request.universe.symbols.length : null;
  const kr = requestMarket(request) === 'KR' ? 'KRX ' : '';
  const on = n === null ? universeLabel(request) : `${n} ${kr}symbol${n === 1 ? '' : 's'}`;
  return `⏳ Backtesting ${strategyLabel(request)} on ${on}${rangeLabel(request)}…`;
}

/** Ack text for a second identical request. */
export function joinedText(request: BacktestRequest): string {
  return `${ackText(request)}\n🔁 An identical backtest is already running: you joined it and get the same result.`;
}

const PHASE_LABEL: Record<BacktestProgress['phase'], string> = {
  data: 'loading bars',
  signals: 'signals',
  portfolio: 'simulating the portfolio',
  walk_forward: 'walk-forward',
  monte_carlo: 'Monte Carlo',
};

/** A text progress bar: "[██████░░░░] 60%". */
export function progressBar(fraction: number, width = 10): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const full = Math.round(f * width);
  return `[${'█'.repeat(full)}${'░'.repeat(width - full)}] ${Math.floor(f * 100)}%`;
}

/** Overall completion of a run from its phase progress (data 0–30%, signals 30–85%, the rest after). */
export function overallFraction(p: BacktestProgress): number {
  const f = p.total > 0 ? p.done / p.total : 0;
  switch (p.phase) {
    case 'data':
      return 0.3 * f;
    case 'signals':
      return 0.3 + 0.55 * f;
    case 'portfolio':
      return 0.85 + 0.05 * f;
    case 'walk_forward':
      return 0.9 + 0.05 * f;
    case 'monte_carlo':
      return 0.95 + 0.05 * f;
  }
}

/** The ack message while running. */
export function progressText(request: BacktestRequest, p: BacktestProgress): string {
  const detail = p.phase === 'signals' || p.phase === 'data' ? ` ${p.done}/${p.total}` : '';
  return `${ackText(request)}\n${progressBar(overallFraction(p))} · ${PHASE_LABEL[p.phase]}${detail}`;
}

function ratio(v: number | null, decimals = 2): string {
  return v === null ? '—' : v.toFixed(decimals);
}

function pctOrDash(v: number | null, signedPct = false): string {
  return v === null ? '—' : pct(v, { signed: signedPct, decimals: 1 });
}

/** The key figures of one equity curve, one line each. */
export function keyFigures(m: Metrics): string[] {
  return [
    `Total return ${pct(m.totalReturn, { signed: true, decimals: 1 })} · CAGR ${pctOrDash(m.cagr, true)}`,
    `Sharpe ${ratio(m.sharpe)} · Max DD ${pct(-m.maxDrawdown, { decimals: 1 })}`,
    `Win rate ${pctOrDash(m.winRate)} · Profit factor ${m.profitFactor === null ? (m.grossProfit > 0 ? '∞' : '—') : m.profitFactor.toFixed(2)} · Trades ${m.tradeCount}`,
  ];
}

/**
 * "vs SPY buy & hold 2016-12-05 → 2025-12-30 (real bars): +151.2% (CAGR …, max DD …); portfolio on those dates +12.3% → −138.9 pts".
 * The benchmark's figures cover only its own (real) dates, which the line names; the edge compares the
 * portfolio over the same dates. The rounded percentages are what the edge is computed from, so it
 * recomputes from the line. A report stored before the window was recorded compares whole ranges.
 */
export function benchmarkLine(report: BacktestReport): string {
  const bm = report.benchmark!;
  const b = bm.metrics;
  // Percent with one decimal, rounded half away from zero as the shown figures are.
  const round1 = (x: number) => (Math.sign(x) * Math.round(Math.abs(x) * 1000)) / 10;
  const head = `vs ${bm.symbol} buy & hold`;
  const figures = `${pct(b.totalReturn, { signed: true, decimals: 1 })} (CAGR ${pctOrDash(b.cagr, true)}, max DD ${pct(-b.maxDrawdown, { decimals: 1 })})`;
  if (bm.start === undefined || bm.end === undefined || bm.portfolioReturn === undefined) {
    return `${head}: ${figures} → ${signed(round1(report.metrics.totalReturn) - round1(b.totalReturn), 1)} pts`;
  }
  const mine = `portfolio on those dates ${pct(bm.portfolioReturn, { signed: true, decimals: 1 })}`;
  return `${head} ${bm.start} → ${bm.end} (real bars): ${figures}; ${mine} → ${signed(round1(bm.portfolioReturn) - round1(b.totalReturn), 1)} pts`;
}

/** The summary message sent when a run finishes. */
export function summaryMessage(report: BacktestReport, run: { id: string; reused: boolean }): FmtString {
  const r = report.request;
  const parts: (string | FmtString)[] = [];
  // The first line says which dates the run covers and, when any bar is synthetic, DEMO.
  const demo = report.data.demo ? ' · DEMO' : '';
  parts.push(fmt`📊 ${bold`Backtest: ${strategyLabel(r)}`} on ${universeLabel(r)} · ${report.range.start} → ${report.range.end}${demo}`);
  parts.push(`${report.data.symbols} symbol${report.data.symbols === 1 ? '' : 's'} · ${report.range.days} days`);
  for (const s of r.strategies) {
    const changed = nonDefaultParams(s.id, s.params);
    if (changed.length > 0) parts.push(`${s.id}: ${changed.join(' ')}`);
  }
  // A KR run names its won capital (₩10,000,000) and its KRX cost rules; a US line reads as it always has.
  const kr = requestMarket(r) === 'KR';
  parts.push(`Sizing ${formatSizing(r.sizing)} · slippage ${r.slippageBps} bps · start ${kr ? backtestAmount(r, r.initialCash) : r.initialCash.toLocaleString('en-US')}`);
  const costs = krCostsLine(r);
  if (costs) parts.push(costs);
  if (kr) parts.push(`Final equity ${backtestAmount(r, report.metrics.finalEquity)}`);
  parts.push('');
  parts.push(...keyFigures(report.metrics));
  if (report.benchmark) parts.push(benchmarkLine(report));
  if (report.strategies.length > 1) {
    const rows: (string | number)[][] = [['', 'Return', 'Sharpe', 'Trades']];
    for (const s of report.strategies) rows.push([s.strategy, pct(s.metrics.totalReturn, { signed: true, decimals: 1 }), ratio(s.metrics.sharpe), s.metrics.tradeCount]);
    parts.push('');
    parts.push(table(rows));
  }
  if (report.monteCarlo) {
    const mc = report.monteCarlo;
    parts.push(
      `Monte Carlo (${mc.runs} runs): final equity p5 ${mc.finalEquity.p5.toFixed(2)}× · p50 ${mc.finalEquity.p50.toFixed(2)}× · p95 ${mc.finalEquity.p95.toFixed(2)}×`,
    );
  }
  for (const n of report.notes) parts.push(`ℹ️ ${backtestNoteText(n)}`);
  if (report.data.demo) parts.push('⚠️ DEMO: synthetic bars, not market data. This result is not evidence about real markets.');
  // The manifest's short hash: `courtside backtest --replay <it>` re-runs this result and says whether it is identical.
  const manifest = report.manifest ? ` · manifest ${shortHash(report.manifest)}` : '';
  parts.push(`Run ${run.id.slice(0, 8)}${manifest}${run.reused ? ' · reused the stored result of an identical request' : ''}`);
  return join(parts, '\n');
}

/** What the ack message says once the run is over. */
export function finishedAckText(request: BacktestRequest, outcome: 'done' | 'reused' | 'cancelled' | 'failed', detail?: string): string {
  const head = ackText(request).replace(/^⏳ Backtesting/, 'Backtest of').replace(/…$/, '');
  switch (outcome) {
    case 'done':
      return `✅ ${head}: done. Results below.`;
    case 'reused':
      return `✅ ${head}: an identical request on the same data was already run; here is its stored result.`;
    case 'cancelled':
      return `✖ ${head}: cancelled${detail ? ` ${detail}` : ''}. Nothing was stored as a result.`;
    case 'failed':
      return `❌ ${head}: failed — ${detail ?? 'unknown error'}`;
  }
}

/** What the ack message says once the run is over, from how it ended. */
export function endAckText(request: BacktestRequest, end: BacktestEnd): string {
  switch (end.status) {
    case 'done':
      return finishedAckText(request, end.run.reused ? 'reused' : 'done');
    case 'cancelled':
      return finishedAckText(request, 'cancelled', end.by ? `by ${end.by}` : undefined);
    case 'failed':
      switch (end.reason) {
        case 'seeding':
          return finishedAckText(request, 'failed', 'the market data is still loading (the first start stores the demo universe, about a minute); try /backtest again shortly');
        case 'invalid':
          return finishedAckText(request, 'failed', end.detail);
        case 'crashed':
          return finishedAckText(request, 'failed', `${end.detail}. Nothing was stored; try again in a minute or check /status.`);
      }
  }
}

/** A backtest job whose payload held no valid request. */
export function invalidRequestText(error: string): string {
  return `❌ Backtest request is invalid: ${error}`;
}

/** A backtest job that failed without its handler telling anyone (`request` null when unknown). */
export function gaveUpText(request: BacktestRequest | null, error: string): string {
  const label = request ? `backtest of ${strategyLabel(request)}` : 'backtest';
  return `❌ The ${label} failed: ${error}\nNothing was stored. Send the command again, or check /status.`;
}

/** The Cancel button of a running backtest (by request key), valid as long as its in-flight marker. */
export function cancelKeyboard(callbackKey: Buffer, requestKey: string, nowMs: number): Keyboard {
  return [[{ text: '✖ Cancel', callback_data: signCallback(callbackKey, CALLBACK_ACTIONS.backtestCancel, requestKey, nowMs + BACKTEST_TTL_SECONDS * 1000) }]];
}

/** Caption of the equity chart sent with a finished run's summary. */
export function equityChartCaption(report: BacktestReport): string {
  const demo = report.data.demo;
  const bm = report.benchmark;
  const window = bm?.start !== undefined && bm.end !== undefined ? ` ${bm.start} → ${bm.end}` : '';
  return `Equity and drawdown — ${strategyLabel(report.request)}${bm ? ` vs ${bm.symbol} buy & hold${window}` : ''}${demo ? ' · DEMO data' : ''}`;
}

/** Caption of the monthly-returns chart sent with a finished run's summary. */
export function monthlyChartCaption(report: BacktestReport): string {
  return `Monthly returns — ${strategyLabel(report.request)}${report.data.demo ? ' · DEMO data' : ''}`;
}
