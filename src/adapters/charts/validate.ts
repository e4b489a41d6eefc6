import { ChartSpecError } from './errors.js';
import {
  DEFAULT_DEVICE_SCALE_FACTOR,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  type ChartFrame,
  type ChartSpec,
  type LineSeries,
  type SeriesValues,
} from './port.js';

/** Output geometry after defaults are applied. */
export interface ChartSize {
  readonly width: number;
  readonly height: number;
  readonly deviceScaleFactor: number;
}

/** ~20 years of daily bars; beyond this a phone shows no more detail and render time keeps growing. */
export const MAX_POINTS = 5000;
const MIN_SIDE = 200;
const MAX_SIDE = 2000;

/** Applies size defaults and checks bounds. */
export function resolveSize(frame: ChartFrame): ChartSize {
  const width = frame.width ?? DEFAULT_WIDTH;
  const height = frame.height ?? DEFAULT_HEIGHT;
  const deviceScaleFactor = frame.deviceScaleFactor ?? DEFAULT_DEVICE_SCALE_FACTOR;
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < MIN_SIDE || v > MAX_SIDE) {
      throw new ChartSpecError(`${name} must be an integer from ${MIN_SIDE} to ${MAX_SIDE} CSS pixels, got ${v}`);
    }
  }
  if (!Number.isFinite(deviceScaleFactor) || deviceScaleFactor < 1 || deviceScaleFactor > 2) {
    throw new ChartSpecError(`deviceScaleFactor must be between 1 and 2, got ${deviceScaleFactor}`);
  }
  return { width, height, deviceScaleFactor };
}

/**
 * Checks a spec before any backend sees it, so both renderers fail the same
 * way and the message names the offending bar/series.
 */
export function validateSpec(spec: ChartSpec): ChartSize {
  const size = resolveSize(spec);
  if (typeof spec.title !== 'string') throw new ChartSpecError('title must be a string (use "" for none)');
  switch (spec.kind) {
    case 'candles': {
      checkCount('bars', spec.bars.length);
      spec.bars.forEach((b, i) => {
        if (![b.o, b.h, b.l, b.c].every(Number.isFinite)) {
          throw new ChartSpecError(`bar ${i} (${b.date}) has a non-finite price; drop or fill it before charting`);
        }
      });
      for (const o of spec.overlays ?? []) checkAligned(`overlay "${o.name}"`, o.values, spec.bars.length, 'bars');
      for (const l of spec.levels ?? []) {
        if (!Number.isFinite(l.price)) throw new ChartSpecError(`${l.role} level has a non-finite price; omit the level instead`);
      }
      break;
    }
    case 'line': {
      checkCount('labels', spec.labels.length);
      if (spec.series.length === 0) throw new ChartSpecError('a line chart needs at least one series');
      const all: readonly LineSeries[] = [...spec.series, ...(spec.lowerPanel?.series ?? [])];
      for (const s of all) checkAligned(`series "${s.name}"`, s.values, spec.labels.length, 'labels');
      break;
    }
    case 'bars': {
      checkCount('labels', spec.labels.length);
      checkAligned('values', spec.values, spec.labels.length, 'labels');
      if (!spec.values.every(Number.isFinite)) throw new ChartSpecError('bar values must be finite numbers');
      break;
    }
    default:
      throw new ChartSpecError(`unknown chart kind ${JSON.stringify((spec as { kind: unknown }).kind)}`);
  }
  return size;
}

function checkCount(what: string, n: number): void {
  if (n < 1) throw new ChartSpecError(`${what} is empty; there is nothing to chart`);
  if (n > MAX_POINTS) throw new ChartSpecError(`${what} has ${n} points; slice to the last ${MAX_POINTS} or fewer`);
}

function checkAligned(what: string, values: SeriesValues, expected: number, axis: string): void {
  if (values.length !== expected) {
    throw new ChartSpecError(`${what} has ${values.length} values but there are ${expected} ${axis}; align it to the ${axis} (pad with null)`);
  }
}
