import type { BrokerOrder } from '../port.js';

/**
 * One look at several pending orders for the price of one request.
 *
 * Every order a process follows asks "where is it now?" on its own schedule
 * (fast in its first seconds, then every few seconds, then every 30 s: see
 * `pollDelayByAge`), and the schedules are aligned to the clock, so orders
 * of the same age class ask at the same instants. Asks that arrive within
 * `coalesceMs` of each other are answered together: one order alone is looked
 * up by its client order id; two or more by ONE `GET /v2/orders?status=all&after=…`
 * (Alpaca's list, submitted after the oldest of them), any not in that page
 * then by id. Ten pending orders cost one request a tick, not ten, so
 * polling never eats the key's budget that /kill needs.
 */
export class OrderWatch {
  private waiting = new Map<string, { since: string | null; answers: { resolve(o: BrokerOrder | null): void; reject(e: unknown): void }[] }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly lookupOne: (clientOrderId: string) => Promise<BrokerOrder | null>,
    private readonly listSince: (afterIso: string) => Promise<BrokerOrder[]>,
    private readonly coalesceMs = 25,
  ) {}

  /** Where the order with this client order id is now (null: the broker has none); `since`: when it was submitted, if known. */
  look(clientOrderId: string, since: string | null): Promise<BrokerOrder | null> {
    return new Promise((resolve, reject) => {
      const w = this.waiting.get(clientOrderId);
      if (w) {
        w.answers.push({ resolve, reject });
        if (w.since === null) w.since = since;
      } else {
        this.waiting.set(clientOrderId, { since, answers: [{ resolve, reject }] });
      }
      this.timer ??= setTimeout(() => void this.flush(), this.coalesceMs);
    });
  }

  private async flush(): Promise<void> {
    this.timer = null;
    const batch = this.waiting;
    this.waiting = new Map();
    const cids = [...batch.keys()];
    const settle = (cid: string, o: BrokerOrder | null) => batch.get(cid)!.answers.forEach((a) => a.resolve(o));
    const fail = (cid: string, e: unknown) => batch.get(cid)!.answers.forEach((a) => a.reject(e));
    const one = async (cid: string) => {
      try {
        settle(cid, await this.lookupOne(cid));
      } catch (e) {
        fail(cid, e);
      }
    };
    const sinces = cids.map((c) => batch.get(c)!.since).filter((s): s is string => s !== null && Number.isFinite(Date.parse(s)));
    if (cids.length < 2 || sinces.length < cids.length) {
      // One order, or one whose submission time we do not know yet: by id (the list could miss it).
      await Promise.all(cids.map(one));
      return;
    }
    // A second before the oldest: `after` is exclusive, and clocks differ by a little.
    const after = new Date(Math.min(...sinces.map((s) => Date.parse(s))) - 1_000).toISOString();
    let listed: BrokerOrder[];
    try {
      listed = await this.listSince(after);
    } catch (e) {
      for (const cid of cids) fail(cid, e);
      return;
    }
    const byCid = new Map(listed.map((o) => [o.clientOrderId, o]));
    // Not on the page (a full page of 500, or the broker's list lags): asked by id, never guessed.
    await Promise.all(cids.map((cid) => (byCid.has(cid) ? (settle(cid, byCid.get(cid)!), Promise.resolve()) : one(cid))));
  }
}
