import { Not, type EntityManager, type FindOptionsSelect } from 'typeorm';
import { BacktestRunSchema, BacktestTradeSchema, type BacktestRunEntity, type BacktestTradeEntity } from './entities.js';
import type { BacktestRunRow, BacktestsTables, BacktestTradeRow } from './port.js';

/** The columns of {@link BacktestRunRow}: never the large request, metrics, report and curves. */
const RUN_SELECT: FindOptionsSelect<BacktestRunEntity> = {
  id: true,
  requestHash: true,
  dataFingerprint: true,
  dataSource: true,
  demo: true,
  status: true,
  tradeCount: true,
  error: true,
  requestedBy: true,
  jobId: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
};

/** The columns of {@link BacktestTradeRow} (the key is the caller's already). */
const TRADE_SELECT: FindOptionsSelect<BacktestTradeEntity> = {
  symbol: true,
  strategy: true,
  signalDate: true,
  entryDate: true,
  entryPrice: true,
  exitDate: true,
  exitPrice: true,
  qty: true,
  pnl: true,
  pnlPct: true,
  barsHeld: true,
  exitReason: true,
  commission: true,
};

/** Copies the selected columns: the entity object's unselected ones are absent, not typed so. */
function runRow(e: BacktestRunEntity): BacktestRunRow {
  return {
    id: e.id,
    requestHash: e.requestHash,
    dataFingerprint: e.dataFingerprint,
    dataSource: e.dataSource,
    demo: e.demo,
    status: e.status,
    tradeCount: e.tradeCount,
    error: e.error,
    requestedBy: e.requestedBy,
    jobId: e.jobId,
    createdAt: e.createdAt,
    startedAt: e.startedAt,
    finishedAt: e.finishedAt,
  };
}

function tradeRow(e: BacktestTradeEntity): BacktestTradeRow {
  return {
    symbol: e.symbol,
    strategy: e.strategy,
    signalDate: e.signalDate,
    entryDate: e.entryDate,
    entryPrice: e.entryPrice,
    exitDate: e.exitDate,
    exitPrice: e.exitPrice,
    qty: e.qty,
    pnl: e.pnl,
    pnlPct: e.pnlPct,
    barsHeld: e.barsHeld,
    exitReason: e.exitReason,
    commission: e.commission,
  };
}

/** BacktestsTables on a TypeORM EntityManager (the pool's, or a transaction's). */
export function backtestsTables(m: EntityManager): BacktestsTables {
  const runs = m.getRepository(BacktestRunSchema);
  const trades = m.getRepository(BacktestTradeSchema);
  return {
    async run(id) {
      const e = await runs.findOne({ select: RUN_SELECT, where: { id } });
      return e ? runRow(e) : null;
    },
    async doneRun(requestHash, dataFingerprint) {
      const e = await runs.findOne({ select: RUN_SELECT, where: { requestHash, dataFingerprint, status: 'done' } });
      return e ? runRow(e) : null;
    },
    async runsOfRequest(requestHash) {
      const es = await runs.find({ select: RUN_SELECT, where: { requestHash }, order: { createdAt: 'DESC', id: 'ASC' } });
      return es.map(runRow);
    },
    async otherDoneRunIds(requestHash, dataFingerprint, exceptId) {
      const es = await runs.find({ select: { id: true }, where: { requestHash, dataFingerprint, status: 'done', id: Not(exceptId) } });
      return es.map((e) => e.id);
    },
    async insertQueued(run) {
      // createdAt left out when absent, so the column's clock_timestamp() default fills it.
      await runs.insert({
        id: run.id,
        requestHash: run.requestHash,
        request: run.request,
        status: 'queued',
        requestedBy: run.requestedBy,
        jobId: run.jobId,
        ...(run.createdAt ? { createdAt: run.createdAt } : {}),
      });
    },
    async closeSuperseded(id, close) {
      const res = await runs.update(
        { id },
        {
          status: 'cancelled',
          // The statement's own clock, as the lifecycle updates in SQL use, not the app's.
          finishedAt: () => 'clock_timestamp()',
          error: close.error,
          dataFingerprint: close.dataFingerprint,
          dataSource: close.dataSource,
          demo: close.demo,
        },
      );
      return res.affected ?? 0;
    },
    async doneResult(id) {
      const e = await runs.findOne({ select: { id: true, report: true, curves: true }, where: { id, status: 'done' } });
      return e ? { report: e.report, curves: e.curves } : null;
    },
    async trades(runId) {
      const es = await trades.find({ select: TRADE_SELECT, where: { runId }, order: { seq: 'ASC' } });
      return es.map(tradeRow);
    },
  };
}
