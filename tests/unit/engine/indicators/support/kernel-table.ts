import type { BarSeries } from '../../../../../src/engine/bars.js';
import {
  atr,
  AtrStream,
  bollinger,
  BollingerStream,
  dollarAdv,
  DollarAdvStream,
  donchianLowerWithIndex,
  DonchianStream,
  donchianUpper,
  ema,
  EmaStream,
  histVol,
  HistVolStream,
  ibs,
  ibsValue,
  macd,
  MacdStream,
  momentum,
  roc,
  RocStream,
  rsi,
  RsiStream,
  sma,
  SmaStream,
  stochastic,
  StochasticStream,
  trueRange,
  TrueRangeStream,
  zScore,
  ZScoreStream,
} from '../../../../../src/engine/indicators/index.js';

/** Named output columns of one kernel. */
export type Columns = Record<string, Float64Array | Int32Array>;

/** One kernel in batch form and in streaming form, with matching output names. */
export interface KernelCase {
  name: string;
  /** Smallest period the kernel accepts. */
  minPeriod: number;
  batch(s: BarSeries, n: number): Columns;
  /** Returns a function that takes bar i and returns that bar's outputs. */
  stream(n: number): (s: BarSeries, i: number) => Record<string, number>;
}

/** Every kernel, parameterised by a single period n (other periods derived from it). */
export const KERNELS: KernelCase[] = [
  {
    name: 'sma',
    minPeriod: 1,
    batch: (s, n) => ({ v: sma(s.close, n) }),
    stream: (n) => {
      const k = new SmaStream(n);
      return (s, i) => ({ v: k.push(s.close[i]!) });
    },
  },
  {
    name: 'ema',
    minPeriod: 1,
    batch: (s, n) => ({ v: ema(s.close, n) }),
    stream: (n) => {
      const k = new EmaStream(n);
      return (s, i) => ({ v: k.push(s.close[i]!) });
    },
  },
  {
    name: 'trueRange',
    minPeriod: 1,
    batch: (s) => ({ v: trueRange(s.high, s.low, s.close) }),
    stream: () => {
      const k = new TrueRangeStream();
      return (s, i) => ({ v: k.push(s.high[i]!, s.low[i]!, s.close[i]!) });
    },
  },
  {
    name: 'atr',
    minPeriod: 1,
    batch: (s, n) => ({ v: atr(s.high, s.low, s.close, n) }),
    stream: (n) => {
      const k = new AtrStream(n);
      return (s, i) => ({ v: k.push(s.high[i]!, s.low[i]!, s.close[i]!) });
    },
  },
  {
    name: 'rsi',
    minPeriod: 1,
    batch: (s, n) => ({ v: rsi(s.close, n) }),
    stream: (n) => {
      const k = new RsiStream(n);
      return (s, i) => ({ v: k.push(s.close[i]!) });
    },
  },
  {
    name: 'donchian',
    minPeriod: 1,
    batch: (s, n) => {
      const dl = donchianLowerWithIndex(s.low, n);
      return { upper: donchianUpper(s.high, n), lower: dl.lower, lowerIndex: dl.lowerIndex };
    },
    stream: (n) => {
      const k = new DonchianStream(n);
      return (s, i) => {
        const p = k.push(s.high[i]!, s.low[i]!);
        return { upper: p.upper, lower: p.lower, lowerIndex: p.lowerIndex };
      };
    },
  },
  {
    name: 'ibs',
    minPeriod: 1,
    batch: (s) => ({ v: ibs(s.high, s.low, s.close) }),
    stream: () => (s, i) => ({ v: ibsValue(s.high[i]!, s.low[i]!, s.close[i]!) }),
  },
  {
    name: 'bollinger',
    minPeriod: 1,
    batch: (s, n) => {
      const b = bollinger(s.close, n, 2);
      return { middle: b.middle, upper: b.upper, lower: b.lower };
    },
    stream: (n) => {
      const k = new BollingerStream(n, 2);
      return (s, i) => {
        const p = k.push(s.close[i]!);
        return { middle: p.middle, upper: p.upper, lower: p.lower };
      };
    },
  },
  {
    name: 'dollarAdv',
    minPeriod: 1,
    batch: (s, n) => ({ v: dollarAdv(s.close, s.volume, n) }),
    stream: (n) => {
      const k = new DollarAdvStream(n);
      return (s, i) => ({ v: k.push(s.close[i]!, s.volume[i]!) });
    },
  },
  {
    name: 'macd',
    minPeriod: 1,
    // fast n, slow 2n+1, signal n: keeps fast < slow for every n.
    batch: (s, n) => {
      const m = macd(s.close, n, 2 * n + 1, n);
      return { macd: m.macd, signal: m.signal, histogram: m.histogram };
    },
    stream: (n) => {
      const k = new MacdStream(n, 2 * n + 1, n);
      return (s, i) => {
        const p = k.push(s.close[i]!);
        return { macd: p.macd, signal: p.signal, histogram: p.histogram };
      };
    },
  },
  {
    name: 'stochastic',
    minPeriod: 1,
    batch: (s, n) => {
      const st = stochastic(s.high, s.low, s.close, n, 3);
      return { k: st.k, d: st.d };
    },
    stream: (n) => {
      const k = new StochasticStream(n, 3);
      return (s, i) => {
        const p = k.push(s.high[i]!, s.low[i]!, s.close[i]!);
        return { k: p.k, d: p.d };
      };
    },
  },
  {
    name: 'roc/momentum',
    minPeriod: 1,
    batch: (s, n) => ({ roc: roc(s.close, n), momentum: momentum(s.close, n) }),
    stream: (n) => {
      const k = new RocStream(n);
      return (s, i) => {
        k.push(s.close[i]!);
        return { roc: k.roc, momentum: k.momentum };
      };
    },
  },
  {
    name: 'zScore',
    minPeriod: 2,
    batch: (s, n) => ({ v: zScore(s.close, n) }),
    stream: (n) => {
      const k = new ZScoreStream(n);
      return (s, i) => ({ v: k.push(s.close[i]!) });
    },
  },
  {
    name: 'histVol',
    minPeriod: 2,
    batch: (s, n) => ({ v: histVol(s.close, n) }),
    stream: (n) => {
      const k = new HistVolStream(n);
      return (s, i) => ({ v: k.push(s.close[i]!) });
    },
  },
];
