/** Pure exit rules: the stop, the 5-bar time stop and when they fire. No I/O, no clock reads. */
export { DEFAULT_TIME_STOP_BARS, timeStopDate } from './time-stop.js';
export { exitDayOf, exitSessionAt, KRX_CLOSING_AUCTION_MINUTES, type ExitPause, type ExitSession } from './exit-session.js';
export {
  decideExit,
  inTimeStopWindow,
  isMarketOpen,
  type ExitDecision,
  type ExitDecisionInput,
  type ExitPositionView,
  type ExitReason,
  type RuleExitReason,
} from './decide.js';
