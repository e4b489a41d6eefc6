/**
 * The evaluation pool as `npm start` runs it: the compiled build (dist/, made
 * by the tests' global setup), whose threads start on the compiled
 * evaluation-thread.js with plain Node and no TypeScript loader.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EvaluationPool as PoolType } from '../../../../src/adapters/compute/evaluation-pool.js';
import { buildDefinition, FAMILY_GRID_SPECS } from '../../../../src/engine/hypotheses/index.js';
import { evaluateDefinition } from '../../../../src/trading/hypotheses/evaluate-stored.js';
import { DIST_DIR } from '../../../helpers/build.js';
import { plantedUniverse } from '../../../helpers/planted-edge.js';

describe('EvaluationPool from the compiled build', () => {
  it('runs its threads on dist/ and gives the in-process result', async () => {
    const url = pathToFileURL(join(DIST_DIR, 'src', 'adapters', 'compute', 'evaluation-pool.js')).href;
    const { EvaluationPool } = (await import(url)) as { EvaluationPool: typeof PoolType };
    const pool = new EvaluationPool({ size: 1 });
    try {
      const series = plantedUniverse({ seed: 3, symbols: 4, bars: 500, planted: true });
      const def = buildDefinition('down_closes', 'US', FAMILY_GRID_SPECS.down_closes.centres[0]!);
      expect(await pool.evaluate(def, series, [0.02])).toEqual(await evaluateDefinition(def, series, [0.02]));
    } finally {
      await pool.close();
    }
  });
});
