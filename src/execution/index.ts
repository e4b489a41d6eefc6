export { approvePick, rejectPick, APPROVER_ROLE, DEFAULT_EXECUTION_WINDOW_MS, type ApproveResult, type RejectResult, type AlreadyDecided, type DecideInput, type DecideOptions } from './approve.js';
export { executeApproval, type ExecutionDeps, type ExecutionOutcome, type OrderSummary, type RefusalGate } from './execute.js';
export { DEFAULT_EXECUTION_LIMITS, type ExecutionLimits } from './limits.js';
export { clientOrderIdFor, tradingDay } from './ids.js';
export { dollarAdvFromBars } from './liquidity-source.js';
