import { shortHash, type RunManifest } from './manifest.js';
import { replayBacktest, type ReplayPorts, type ReplayReport } from './replay-backtest.js';
import { replayIncubation } from './replay-incubation.js';

/**
 * Replays any stored manifest by its kind: a backtest re-runs its request on
 * the same bars ({@link replayBacktest}); an incubation re-runs the
 * hypothesis's walk-forward evaluation and verdict, as a dry run
 * ({@link replayIncubation}). Both report in one {@link ReplayReport}.
 *
 * @throws RangeError for a kind nothing replays (a stand-alone walk-forward records none today) or malformed parameters
 */
export async function replayManifest(manifest: RunManifest, ports: ReplayPorts): Promise<ReplayReport> {
  switch (manifest.kind) {
    case 'backtest':
      return replayBacktest(manifest, ports);
    case 'incubation':
      return replayIncubation(manifest, ports);
    case 'walk_forward':
      throw new RangeError(`manifest ${shortHash(manifest.id)} is a stand-alone walk-forward result, which cannot be replayed; replay the backtest or incubation that ran it`);
  }
}
