import { createHash } from 'node:crypto';
import type { ChartRenderer, ChartSpec } from './port.js';

/** How many PNGs are kept, and for how long. */
export interface ChartCacheOptions {
  /** Default 64 (a few MB: the bot's charts are 50–150 KB each). */
  maxEntries?: number;
  /** Default 60 s: marks and bars move at most once a minute in any view that charts them. */
  ttlMs?: number;
  /** Injectable clock (epoch ms). */
  now?: () => number;
}

/**
 * A chart renderer that draws each distinct spec once: the same spec asked
 * again within `ttlMs` gets the PNG drawn the first time, and identical
 * requests in flight share one draw.
 *
 * Why: there is one book, and every allow-listed user who sends /positions
 * (or opens the same card) within a minute asks for the very same chart.
 * Drawing runs on the process's event loop (LocalChartRenderer) or costs a
 * QuickChart call, and the reply text waits for it; a spec is a pure
 * description, so the PNG of equal specs is equal. A failed draw is never
 * kept: the next request draws again.
 */
export class CachingChartRenderer implements ChartRenderer {
  private readonly done = new Map<string, { png: Buffer; at: number }>();
  private readonly inFlight = new Map<string, Promise<Buffer>>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private drawn = 0;
  private shared = 0;

  constructor(
    private readonly inner: ChartRenderer,
    opts: ChartCacheOptions = {},
  ) {
    this.maxEntries = opts.maxEntries ?? 64;
    this.ttlMs = opts.ttlMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  get name(): string {
    return this.inner.name;
  }

  /** Charts drawn by the inner renderer, and asks answered from the cache or a draw in flight (metrics, the bench). */
  counts(): { drawn: number; shared: number } {
    return { drawn: this.drawn, shared: this.shared };
  }

  async render(spec: ChartSpec): Promise<Buffer> {
    const key = specKey(spec);
    const hit = this.done.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) {
      this.shared++;
      return hit.png;
    }
    if (hit) this.done.delete(key);
    const pending = this.inFlight.get(key);
    if (pending) {
      this.shared++;
      return pending;
    }
    this.drawn++;
    const draw = this.inner
      .render(spec)
      .then((png) => {
        this.keep(key, png);
        return png;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, draw);
    return draw;
  }

  private keep(key: string, png: Buffer): void {
    this.done.delete(key);
    this.done.set(key, { png, at: this.now() });
    // Maps iterate in insertion order: the first key is the oldest.
    while (this.done.size > this.maxEntries) this.done.delete(this.done.keys().next().value as string);
  }
}

/** The spec's identity: SHA-256 of its JSON (typed arrays and NaN serialise deterministically). */
function specKey(spec: ChartSpec): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('base64url');
}
