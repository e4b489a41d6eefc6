import { readFileSync } from 'node:fs';
import { defaultUniversePath } from '../package-root.js';
import { loadUniverse, type LoadUniverseResult, type UniverseFilters } from './load-universe.js';

/**
 * The bundled ~900-symbol optionable, liquid US universe
 * (`data/universe/optionable_liquid_900.full.csv`), filtered.
 */
export function loadDefaultUniverse(filters: Omit<UniverseFilters, 'source'> = {}): LoadUniverseResult {
  const path = defaultUniversePath();
  return loadUniverse(readFileSync(path, 'utf8'), { ...filters, source: path });
}
