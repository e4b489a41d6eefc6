import type { BenchResources } from './resources.js';
import type { Table } from './table.js';

/** Options from the command line: `--rate=80` → get('rate') === '80'; `--no-stages` → flag('stages') === false. */
export interface BenchOptions {
  get(name: string): string | undefined;
  number(name: string, fallback: number): number;
  list(name: string, fallback: number[]): number[];
  flag(name: string, fallback: boolean): boolean;
  /** True with --quick: benchmarks shorten their runs (smoke test of the harness, not figures). */
  quick: boolean;
}

export interface BenchContext {
  options: BenchOptions;
  /** Throwaway databases, Redis prefixes and temp dirs, cleaned up after every section. */
  resources: BenchResources;
  /** Progress line on stderr (tables go to stdout). */
  progress(message: string): void;
}

/** One section of `npm run bench`, selectable by name. */
export interface Benchmark {
  name: string;
  summary: string;
  /** Options this section reads (shown by --help). */
  options?: Record<string, string>;
  run(ctx: BenchContext): Promise<Table | Table[]>;
}
