/**
 * Indicator kernels: batch columns (Float64Array in, Float64Array out, NaN in
 * warm-up, one O(n) pass), point evaluators (`*At`, bit-identical to the
 * column at one bar) and streaming classes (push one bar, read the value).
 */
export { atr, atrAt, AtrStream } from './atr.js';
export { bollinger, BollingerStream, type BollingerBands, type BollingerPoint } from './bollinger.js';
export { IndicatorCache } from './cache.js';
export {
  donchianLower,
  donchianLowerAt,
  donchianLowerWithIndex,
  DonchianStream,
  donchianUpper,
  donchianUpperAt,
  type DonchianLowerWithIndex,
  type DonchianPoint,
} from './donchian.js';
export { dollarAdv, DollarAdvStream } from './dollar-adv.js';
export { ema, EmaStream } from './ema.js';
export { histVol, HistVolStream } from './hist-vol.js';
export { ibs, ibsValue } from './ibs.js';
export { macd, MacdStream, type MacdPoint, type MacdResult } from './macd.js';
export { momentum, roc, RocStream } from './roc.js';
export { rsi, RsiStream } from './rsi.js';
export { sma, smaAt, SmaStream } from './sma.js';
export { stochastic, StochasticStream, type StochasticPoint, type StochasticResult } from './stochastic.js';
export { indicatorTable, type IndicatorRow } from './table.js';
export { trueRange, TrueRangeStream, trueRangeValue } from './true-range.js';
export { zScore, ZScoreStream } from './zscore.js';
