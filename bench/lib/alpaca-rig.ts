/**
 * Instruments for the `alpaca` section: what each AlpacaBroker instance sent (a fetch wrapper,
 * so only requests that really left the process count), what its request budget granted or
 * refused (a RequestBudget wrapper), and the busiest sliding window of a list of send times.
 * Nothing in src/ is patched: both wrappers go in through AlpacaBroker's own options.
 */
import type { BudgetPriority, RateHeaders, RequestBudget } from '../../src/adapters/brokers/alpaca/rate-budget.js';
import { BudgetExhaustedError } from '../../src/adapters/brokers/alpaca/rate-budget.js';

/** One HTTP request an instance sent to the emulator. */
export interface SentRequest {
  /** Date.now() when fetch was called (the emulator's rate window uses Date.now too). */
  at: number;
  /** Which instance ("worker") sent it. */
  instance: string;
  method: string;
  /** Kind of request: the path without ids or query, e.g. `GET /v2/orders:by_client_order_id`. */
  kind: string;
  /** HTTP status; null when no answer came (network error, timeout). */
  status: number | null;
}

/** Every request of every instance of one scenario, in send order. */
export class RequestLog {
  readonly sent: SentRequest[] = [];

  /** A fetch for AlpacaBroker's `fetch` option that records each request under `instance`. */
  fetchFor(instance: string): typeof globalThis.fetch {
    return async (input, init) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      const method = init?.method ?? 'GET';
      const rec: SentRequest = { at: Date.now(), instance, method, kind: `${method} ${url.pathname.replace(/^\/v2\/orders\/[^/]+$/, '/v2/orders/{id}')}`, status: null };
      this.sent.push(rec);
      const res = await globalThis.fetch(input, init);
      rec.status = res.status;
      return res;
    };
  }

  /** Requests sent in [from, to). */
  between(from: number, to: number): SentRequest[] {
    return this.sent.filter((r) => r.at >= from && r.at < to);
  }
}

/** What a budget did for one instance: grants by priority, and refusals (nothing sent: AlpacaHttp makes up a local 429). */
export interface BudgetCounts {
  normal: number;
  urgent: number;
  refused: number;
  /** Milliseconds acquire() spent waiting, summed over all grants. */
  waitedMs: number;
}

/** Wraps a RequestBudget to count what it granted and refused; the rules are the wrapped budget's. */
export function countingBudget(inner: RequestBudget, counts: BudgetCounts): RequestBudget {
  return {
    async acquire(priority: BudgetPriority, opts?: { maxWaitMs?: number }) {
      const t = Date.now();
      try {
        await inner.acquire(priority, opts);
      } catch (e) {
        if (e instanceof BudgetExhaustedError) counts.refused++;
        throw e;
      }
      counts[priority]++;
      counts.waitedMs += Date.now() - t;
    },
    observe: (h: RateHeaders) => inner.observe(h),
  };
}

/** The most send times inside any window [t, t + windowMs), and where that window starts. */
export function busiestWindow(times: readonly number[], windowMs: number): { count: number; startsAt: number | null } {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  let startsAt: number | null = null;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while (t[hi]! - t[lo]! >= windowMs) lo++;
    if (hi - lo + 1 > best) {
      best = hi - lo + 1;
      startsAt = t[lo]!;
    }
  }
  return { count: best, startsAt };
}
