import { shortHash } from '../../trading/manifest/manifest.js';
import type { Metrics } from '../../engine/backtest/index.js';
import type { BacktestReport, ReportTrade } from '../../trading/backtest/report.js';
import { formatSizing, nonDefaultParams, strategyLabel } from '../../trading/backtest/request.js';
import { backtestNoteText } from './backtest-notes.js';
import { backtestAmount, backtestPrice, krCostsLine } from './backtest-money.js';

const pct = (v: number | null, d = 1) => (v === null || !Number.isFinite(v) ? '—' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(d)}%`);
const plainPct = (v: number | null, d = 1) => (v === null || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(d)}%`);
const num = (v: number | null, d = 2) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(d));

/** Aligned plain-text columns (first column left, the rest right). */
export function textTable(rows: readonly (readonly string[])[], leftCols = 1): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i < leftCols ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()).join('\n');
}

function metricsRow(label: string, m: Metrics): string[] {
  return [
    label,
    pct(m.totalReturn),
    pct(m.cagr),
    num(m.sharpe),
    plainPct(m.maxDrawdown === 0 ? 0 : -m.maxDrawdown),
    m.tradeCount > 0 ? plainPct(m.winRate) : '—',
    m.profitFactor === null ? (m.grossProfit > 0 ? '∞' : '—') : num(m.profitFactor),
    String(m.tradeCount),
  ];
}

/** The human-readable summary `courtside backtest` prints without --json. */
export function formatTextReport(report: BacktestReport, trades: readonly ReportTrade[], opts: { maxTrades?: number } = {}): string {
  const r = report.request;
  const out: string[] = [];
  // Dollars for US runs, whole won for KR ones: every amount below goes through these two.
  const money = (v: number) => backtestAmount(r, v);
  const price = (v: number) => backtestPrice(r, v);
  const syms = r.universe.kind === 'symbols' ? r.universe.symbols : [];
  const symText = syms.length > 0 && syms.length <= 6 ? ` (${syms.join(', ')})` : '';
  // The first line names the dates the run covers and, when any bar is synthetic, DEMO.
  out.push(
    `Backtest: ${strategyLabel(r)} on ${report.data.symbols} symbol${report.data.symbols === 1 ? '' : 's'}${symText} · ${report.range.start} → ${report.range.end} · data: ${report.data.source}${report.data.demo ? ' · DEMO' : ''}`,
  );
  out.push(`Range ${report.range.start} → ${report.range.end} (${report.range.days} days) · sizing ${formatSizing(r.sizing)} · slippage ${r.slippageBps} bps · start ${money(r.initialCash)}`);
  const costs = krCostsLine(r);
  if (costs) out.push(costs);
  for (const s of r.strategies) {
    const changed = nonDefaultParams(s.id, s.params);
    if (changed.length > 0) out.push(`${s.id} parameters: ${changed.join(' ')}`);
  }
  if (report.data.demo) out.push('⚠ DEMO: synthetic bars, not market data. These numbers are not evidence about real markets.');
  out.push('');

  const rows: string[][] = [['', 'Return', 'CAGR', 'Sharpe', 'Max DD', 'Win %', 'PF', 'Trades']];
  rows.push(metricsRow('portfolio', report.metrics));
  if (report.strategies.length > 1) for (const s of report.strategies) rows.push(metricsRow(`  ${s.strategy}`, s.metrics));
  if (report.benchmark) rows.push(metricsRow(`${report.benchmark.symbol} buy & hold`, report.benchmark.metrics));
  out.push(textTable(rows));
  const bm = report.benchmark;
  if (bm && bm.start !== undefined && bm.end !== undefined && bm.portfolioReturn !== undefined) {
    out.push(`${bm.symbol} buy & hold covers ${bm.start} → ${bm.end} (${bm.days} days of its real bars); the portfolio on those dates: ${pct(bm.portfolioReturn)}`);
  }
  out.push(`Final equity ${money(report.metrics.finalEquity)} · avg bars held ${num(report.metrics.avgBarsHeld, 1)} · exposure ${plainPct(report.metrics.exposure)}`);
  const skipped = Object.entries(report.skipped);
  if (skipped.length > 0) out.push(`Signals not taken: ${skipped.map(([k, v]) => `${k} ${v}`).join(', ')}`);

  const max = opts.maxTrades ?? 20;
  if (trades.length > 0 && max > 0) {
    out.push('');
    const shown = trades.slice(-max);
    out.push(shown.length < trades.length ? `Trades (last ${shown.length} of ${trades.length}; --json for all):` : `Trades (${trades.length}):`);
    const tr: string[][] = [['symbol', 'strategy', 'entry', 'price', 'exit', 'price', 'qty', 'pnl', 'pnl %', 'reason']];
    for (const t of shown) {
      tr.push([t.symbol, t.strategy, t.entryDate, price(t.entryPrice), t.exitDate, price(t.exitPrice), String(t.qty), money(t.pnl), pct(t.pnlPct, 2), t.exitReason]);
    }
    out.push(textTable(tr, 2));
  } else if (trades.length === 0) {
    out.push('', 'No trades.');
  }

  for (const wf of report.walkForward ?? []) {
    out.push('');
    out.push(`Walk-forward ${wf.strategy}: train ${wf.trainBars} / test ${wf.testBars} bars, step ${wf.stepBars}, objective ${wf.objective}, grid ${wf.grid.keys.join(' × ') || '(fixed)'} (${wf.grid.points} points)`);
    if (wf.grid.dropped.length > 0) out.push(`  dropped invalid grid points: ${wf.grid.dropped.join('; ')}`);
    const wr: string[][] = [['test window', 'chosen', 'train score', 'OOS return', 'Sharpe', 'Max DD', 'Trades']];
    for (const w of wf.windows) {
      wr.push([
        `${w.testStart} … ${w.testEnd}`,
        Object.entries(w.chosen).map(([k, v]) => `${k}=${String(v)}`).join(' ') || '—',
        num(w.trainScore),
        pct(w.test.totalReturn),
        num(w.test.sharpe),
        plainPct(w.test.maxDrawdown === 0 ? 0 : -w.test.maxDrawdown),
        String(w.test.tradeCount),
      ]);
    }
    out.push(textTable(wr, 2).replace(/^/gm, '  '));
    const m = wf.metrics;
    out.push(`  stitched out-of-sample: return ${pct(m.totalReturn)}, CAGR ${pct(m.cagr)}, Sharpe ${num(m.sharpe)}, max DD ${plainPct(-m.maxDrawdown)}, trades ${m.tradeCount}`);
  }

  const mc = report.monteCarlo;
  if (mc) {
    out.push('');
    out.push(`Monte Carlo (${mc.runs} runs of ${mc.tradesPerRun} trades, seed ${mc.seed}), equity multiple from 1.0:`);
    out.push(
      `  final equity p5 ${num(mc.finalEquity.p5)} · p25 ${num(mc.finalEquity.p25)} · p50 ${num(mc.finalEquity.p50)} · p75 ${num(mc.finalEquity.p75)} · p95 ${num(mc.finalEquity.p95)} (mean ${num(mc.meanFinalEquity)})`,
    );
    out.push(`  max drawdown p50 ${plainPct(mc.maxDrawdown.p50)} · p95 ${plainPct(mc.maxDrawdown.p95)} · P(lose ≥50%) ${plainPct(mc.probLoss50)} · P(drawdown ≥50%) ${plainPct(mc.probDrawdown50)}`);
  }
  for (const n of report.notes) out.push(`Note: ${backtestNoteText(n)}`);
  if (report.manifest) out.push(`Run manifest ${shortHash(report.manifest)} · check it with: courtside backtest --replay ${shortHash(report.manifest)}`);
  return out.join('\n') + '\n';
}
