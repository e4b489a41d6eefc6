import { z } from 'zod';
import { sma } from '../indicators/sma.js';
import { cachedColumn } from './columns.js';
import { defineFamily } from './define.js';

/** Volume-spike parameters. */
export const volumeSpikeParamsSchema = z.strictObject({
  volumePeriod: z.number().int().min(1).describe('integer >= 1: bars in the average volume (before the signal bar)'),
  minVolumeRatio: z.number().gt(1).describe('number > 1: volume must be at least this multiple of the average'),
});

/** Volume-spike parameters. */
export type VolumeSpikeParams = z.output<typeof volumeSpikeParamsSchema>;

/** Figures behind a volume-spike signal. */
export interface VolumeSpikeWhy {
  readonly family: 'volume_spike';
  readonly close: number;
  readonly prevClose: number;
  readonly volume: number;
  /** Mean volume of the `volumePeriod` bars before t. */
  readonly avgVolume: number;
  readonly volumeRatio: number;
  readonly minVolumeRatio: number;
}

/**
 * Volume spike with an up close: volume[t] >= minVolumeRatio × the mean
 * volume of the prior `volumePeriod` bars (which must be positive: no
 * ratio against a dead tape) and close[t] > close[t-1].
 */
export const VOLUME_SPIKE = defineFamily({
  id: 'volume_spike',
  title: 'Volume spike with an up close',
  summary: 'Buy an up close on at least minVolumeRatio times the average volume of the prior volumePeriod bars.',
  schema: volumeSpikeParamsSchema,
  defaults: Object.freeze({ volumePeriod: 20, minVolumeRatio: 2 }),
  // avg[t-1] needs bars 0..volumePeriod-1, so t starts at volumePeriod.
  firstValidIndex: (p) => p.volumePeriod,
  prepare: (s, p, cache) => ({
    s,
    avg: cachedColumn(cache, `volsma:${p.volumePeriod}`, () => sma(s.volume, p.volumePeriod)),
    p,
  }),
  hit: (c, t) => {
    const avg = c.avg[t - 1]!;
    return avg > 0 && c.s.volume[t]! >= c.p.minVolumeRatio * avg && c.s.close[t]! > c.s.close[t - 1]!;
  },
  figures: (c, t): VolumeSpikeWhy => ({
    family: 'volume_spike',
    close: c.s.close[t]!,
    prevClose: c.s.close[t - 1]!,
    volume: c.s.volume[t]!,
    avgVolume: c.avg[t - 1]!,
    volumeRatio: c.s.volume[t]! / c.avg[t - 1]!,
    minVolumeRatio: c.p.minVolumeRatio,
  }),
});
