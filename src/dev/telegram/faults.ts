import { BotApiError, tooManyRequests } from './errors.js';

/** An injected failure for the next call(s) of a method. */
export interface FailSpec {
  error_code: number;
  description: string;
  /** Seconds; sent as `parameters.retry_after` (always present for 429, default 1). */
  retry_after?: number;
  /** How many consecutive calls fail (default 1). */
  count?: number;
}

/** A global flood limit, like the real API's ~30 messages/second per bot. */
export interface RateLimitSpec {
  /** Calls allowed per one-second window. */
  maxPerSecond: number;
  /** retry_after sent with the 429 (default 1). */
  retryAfter?: number;
  /** Methods counted (case-insensitive); default: every method except getUpdates. */
  methods?: string[];
}

/** Use as the method name to match any method. */
export const ANY_METHOD = '*';

interface Armed<T> {
  value: T;
  remaining: number;
}

/**
 * Fault injection for the Bot API side: scripted failures, late responses and a global rate
 * limit. Method names are matched case-insensitively, like the API itself.
 */
export class FaultInjector {
  private failures = new Map<string, Armed<FailSpec>[]>();
  private delays = new Map<string, Armed<number>[]>();
  private rateLimit: { spec: RateLimitSpec; methods: Set<string> | undefined; windowStart: number; count: number } | undefined;

  /** Makes the next `count` calls of `method` fail with the given error instead of running. */
  failNext(method: string, spec: FailSpec): void {
    if (!Number.isInteger(spec.error_code) || spec.error_code < 400 || spec.error_code > 599) {
      throw new RangeError('error_code must be an HTTP error status (400-599)');
    }
    arm(this.failures, method, spec, spec.count ?? 1);
  }

  /**
   * Makes the next `count` calls of `method` answer `ms` late. The call takes effect first and
   * only the response is held back, which is what a client-side timeout against the real API
   * looks like (the message may well have been sent).
   */
  delayNext(method: string, ms: number, count = 1): void {
    if (!(ms >= 0)) throw new RangeError('delay must be >= 0 ms');
    arm(this.delays, method, ms, count);
  }

  /** Installs (or with null removes) a global rate limit. */
  setGlobalRateLimit(spec: RateLimitSpec | null): void {
    if (spec === null) {
      this.rateLimit = undefined;
      return;
    }
    if (!(spec.maxPerSecond > 0)) throw new RangeError('maxPerSecond must be > 0');
    this.rateLimit = {
      spec,
      methods: spec.methods ? new Set(spec.methods.map((m) => m.toLowerCase())) : undefined,
      windowStart: 0,
      count: 0,
    };
  }

  /** The injected failure for this call, if any (consumes one use). */
  takeFailure(method: string): BotApiError | undefined {
    const spec = take(this.failures, method);
    if (!spec) return undefined;
    const retryAfter = spec.retry_after ?? (spec.error_code === 429 ? 1 : undefined);
    return new BotApiError(spec.error_code, spec.description, retryAfter !== undefined ? { retry_after: retryAfter } : undefined);
  }

  /** Response delay for this call in ms (consumes one use), 0 when none is armed. */
  takeDelay(method: string): number {
    return take(this.delays, method) ?? 0;
  }

  /** Counts this call against the rate limit; returns the 429 when over it. */
  checkRateLimit(method: string, now = Date.now()): BotApiError | undefined {
    const rl = this.rateLimit;
    if (!rl) return undefined;
    const counted = rl.methods ? rl.methods.has(method) : method !== 'getupdates';
    if (!counted) return undefined;
    if (now - rl.windowStart >= 1000) {
      rl.windowStart = now;
      rl.count = 0;
    }
    rl.count++;
    return rl.count > rl.spec.maxPerSecond ? tooManyRequests(rl.spec.retryAfter ?? 1) : undefined;
  }

  clear(): void {
    this.failures.clear();
    this.delays.clear();
    this.rateLimit = undefined;
  }
}

function arm<T>(map: Map<string, Armed<T>[]>, method: string, value: T, count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new RangeError('count must be a positive integer');
  const key = method.toLowerCase();
  const list = map.get(key) ?? [];
  list.push({ value, remaining: count });
  map.set(key, list);
}

/** Takes from the method's own queue first, then from the wildcard queue. */
function take<T>(map: Map<string, Armed<T>[]>, method: string): T | undefined {
  for (const key of [method, ANY_METHOD]) {
    const list = map.get(key);
    const head = list?.[0];
    if (!list || !head) continue;
    if (--head.remaining <= 0) list.shift();
    if (list.length === 0) map.delete(key);
    return head.value;
  }
  return undefined;
}
