import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory holding the project's package.json, found by walking up from
 * this module. Bundled data lives relative to it, and the walk makes that work
 * both from `src/` (vitest, tsx) and from `dist/src/` (compiled).
 */
export function packageRoot(fromUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`no package.json above ${dirname(fileURLToPath(fromUrl))}; run Courtside from its installed package`);
    }
    dir = parent;
  }
}

/** `<package root>/data/ohlcv`: the bundled sample bar files. */
export function sampleOhlcvDir(): string {
  return join(packageRoot(), 'data', 'ohlcv');
}

/** `<package root>/data/universe/optionable_liquid_900.full.csv`: the default universe. */
export function defaultUniversePath(): string {
  return join(packageRoot(), 'data', 'universe', 'optionable_liquid_900.full.csv');
}
