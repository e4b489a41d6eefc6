import { describe, expect, it } from 'vitest';
import { type Bar, type BarSeries, toSeries } from '../../../../src/engine/bars.js';
import { mulberry32 } from '../../../../src/engine/backtest/prng.js';
import { PreparedSignalsBuilder, prepareSignals, prepareUniverse } from '../../../../src/engine/backtest/prepared-run.js';
import { addHypothesisSignals } from '../../../../src/engine/hypotheses/evaluate.js';
import { FAMILY_GRID_SPECS } from '../../../../src/engine/hypotheses/family-grids.js';
import { buildDefinition, gridPoints } from '../../../../src/engine/hypotheses/grid.js';
import { familySource, hypothesisSignals } from '../../../../src/engine/hypotheses/signals.js';
import { IndicatorCache } from '../../../../src/engine/indicators/cache.js';
import { FAMILY_IDS, familyById } from '../../../../src/engine/patterns/registry.js';

/** A seeded daily walk with gaps, volume swings and month turns (dates are calendar days, weekends skipped). */
function walk(seed: number, n: number): BarSeries {
  const rand = mulberry32(seed);
  const rows: Bar[] = [];
  let prev = 30 + 70 * rand();
  for (let i = 0, day = 0; rows.length < n; i++, day++) {
    const date = new Date(Date.UTC(2016, 0, 4 + day));
    if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue;
    const open = prev * (1 + 0.03 * (rand() - 0.5));
    const close = open * (1 + 0.05 * (rand() - 0.5));
    const high = Math.max(open, close) * (1 + 0.02 * rand());
    const low = Math.min(open, close) * (1 - 0.02 * rand());
    rows.push({ date: date.toISOString().slice(0, 10), open, high, low, close, volume: 1e5 * (0.3 + 3 * rand() ** 3) });
    prev = close;
  }
  return toSeries(`S${seed}`, rows);
}

describe('addHypothesisSignals', () => {
  it.each(FAMILY_IDS)('%s: the columns prepareSignals makes of hypothesisSignals, on every grid point of every centre', (id) => {
    const family = familyById(id);
    const spec = FAMILY_GRID_SPECS[id];
    // Three symbols in a non-sorted order, one starting later: sorting and input order both matter.
    const universe = [walk(11, 700), walk(3, 650), walk(7, 700)];
    const u = prepareUniverse(universe);
    let compared = 0;
    for (const centre of spec.centres) {
      const def = buildDefinition(id, 'US', { ...centre });
      for (const params of gridPoints(def)) {
        const lists = universe.map((s) => hypothesisSignals(s, family, params, def.exits));
        const want = prepareSignals(u, lists);
        const builder = new PreparedSignalsBuilder(u, [familySource(family)]);
        universe.forEach((s, k) => addHypothesisSignals(builder, k, s, family, params, def.exits, new IndicatorCache(s)));
        const got = builder.finish();
        // The builder names the family even when it never fires; strategies index signals, so only then can they differ.
        expect({ ...got, strategies: want!.sym.length === 0 ? want!.strategies : got.strategies }).toStrictEqual(want);
        compared += want!.sym.length;
      }
    }
    // The comparison means something only if the family fired.
    expect(compared).toBeGreaterThan(0);
  });
});
