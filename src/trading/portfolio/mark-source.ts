import { nyLocalParts } from '../../engine/calendar/index.js';

/**
 * Where a mark's price came from, so every number derived from it can say so
 * (issue 19 item 7). A bar close is never shown as a live mark, nor the other
 * way round.
 */
export type MarkOrigin =
  /** The broker's own current price (Alpaca `current_price`), taken at `at`. */
  | { kind: 'broker'; broker: string; at: Date }
  /** A daily bar close of the New York session `date`. */
  | { kind: 'close'; date: string }
  /** `positions.last_price` / a position mark recorded before sources were kept: shown as "mark <date>", as before. */
  | { kind: 'mark'; date: string | null }
  /** A position mark at the average cost: no price was known for its date. */
  | { kind: 'cost' };

/** The stored word for a bar close (`positions.last_price_source`, `position_marks.price_source`). */
export const CLOSE_SOURCE = 'close';
/** The stored word for a position mark made at cost (`position_marks.price_source`; never a last price). */
export const COST_SOURCE = 'cost';
const BROKER_PREFIX = 'broker:';

/** What is stored for an origin: `close`, or `broker:<name>` (e.g. `broker:alpaca-paper`). */
export function storedSource(o: MarkOrigin): string | null {
  return o.kind === 'broker' ? `${BROKER_PREFIX}${o.broker}` : o.kind === 'close' ? CLOSE_SOURCE : o.kind === 'cost' ? COST_SOURCE : null;
}

/**
 * The origin of a stored mark: its source word (NULL before sources were
 * kept), the instant it belongs to and its New York date.
 */
export function originOf(source: string | null | undefined, at: Date | null, date: string | null): MarkOrigin {
  if (source && source.startsWith(BROKER_PREFIX) && at) return { kind: 'broker', broker: source.slice(BROKER_PREFIX.length), at };
  if (source === CLOSE_SOURCE && date) return { kind: 'close', date };
  if (source === COST_SOURCE) return { kind: 'cost' };
  return { kind: 'mark', date };
}

/** "Alpaca" for `alpaca-paper` / `alpaca-live`; any other broker by its name. */
export function brokerTitle(name: string): string {
  return name.startsWith('alpaca') ? 'Alpaca' : name.startsWith('kis') ? 'KIS' : name;
}

/** Seoul is UTC+9 all year (no daylight saving since 1988). */
const KST_OFFSET_MS = 9 * 3_600_000;

/** A KIS broker's marks are Seoul time (KST); every other broker's New York time (ET). */
function markClock(broker: string, at: Date): { date: string; hhmm: string; zone: 'ET' | 'KST' } {
  if (broker.startsWith('kis')) {
    const iso = new Date(at.getTime() + KST_OFFSET_MS).toISOString();
    return { date: iso.slice(0, 10), hhmm: iso.slice(11, 16), zone: 'KST' };
  }
  const p = nyLocalParts(at.getTime());
  return { date: p.date, hhmm: `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`, zone: 'ET' };
}

/**
 * How an origin reads next to a price: "Alpaca mark 15:42 ET" (New York time;
 * the date goes first when it is not `today`), "close 2026-12-04",
 * "mark 2026-12-04" (recorded before sources were kept).
 */
export function originText(o: MarkOrigin, today?: string): string {
  switch (o.kind) {
    case 'broker': {
      const c = markClock(o.broker, o.at);
      return `${brokerTitle(o.broker)} mark ${c.date === today ? '' : `${c.date} `}${c.hhmm} ${c.zone}`;
    }
    case 'close':
      return `close ${o.date}`;
    case 'mark':
      return o.date ? `mark ${o.date}` : 'mark';
    case 'cost':
      return 'cost (no price)';
  }
}

/**
 * Where a set of prices came from, in one phrase: the origin itself when they
 * all share it ("Alpaca mark 16:10 ET"), else each with its count
 * ("2 at Alpaca mark 16:10 ET, 1 at close 2026-12-03"); null for none.
 */
export function originsText(origins: readonly MarkOrigin[], today?: string): string | null {
  if (origins.length === 0) return null;
  const counts = new Map<string, number>();
  for (const o of origins) {
    const t = originText(o, today);
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  if (counts.size === 1) return [...counts.keys()][0]!;
  return [...counts].map(([t, n]) => `${n} at ${t}`).join(', ');
}

/** The one origin text every price shares, or null when they differ (or there are none). */
export function sharedOriginText(origins: readonly MarkOrigin[], today?: string): string | null {
  const texts = new Set(origins.map((o) => originText(o, today)));
  return texts.size === 1 ? [...texts][0]! : null;
}
