export { approvePick, rejectPick, APPROVER_ROLE, DEFAULT_EXECUTION_WINDOW_MS, type ApproveResult, type RejectResult, type AlreadyDecided, type DecideInput, type DecideOptions } from './approve-pick.js';
export { executeApproval, type ExecutionDeps, type ExecutionOutcome, type OrderSummary, type RefusalGate } from './execute.js';
export { DEFAULT_EXECUTION_LIMITS, type ExecutionLimits } from '../../engine/risk/limits.js';
export { clientOrderIdFor, tradingDay } from './ids.js';
export { dollarAdvFromBars } from './liquidity-source.js';
export { runExits, flattenAll, iocSellLimitFromBid, DEFAULT_EXIT_LIMITS, type ExitDeps, type ExitLimits, type ExitOutcome, type ExitStatus, type RunExitsOptions, type FlattenOptions } from './exits.js';
export { markToMarket, closeOnOrBefore, MarkToMarketError, type MarkToMarketDeps, type MarkToMarketResult, type PositionMark } from './mark-to-market.js';
export { reconcile, type ReconcileDeps, type ReconcileReport, type ReconcileFix, type ReconcileMismatch } from './reconcile.js';
export { exitClientOrderId } from './exit-ids.js';
