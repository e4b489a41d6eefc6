import type { BarSeries } from '../../engine/bars.js';
import type { MarketId } from '../../engine/hypotheses/definition.js';
import { CourtsideError } from '../../lib/errors.js';
import type { ScanData } from '../scan/data-port.js';

/** A market's universe for incubation: every stored series, and whether any of it is synthetic. */
export interface UniverseBars {
  series: BarSeries[];
  /** True when any series is synthetic (DEMO): every figure built on it says so. */
  demo: boolean;
}

/**
 * The HypothesisUniverse port: the bars a market's hypotheses are evaluated
 * on. App implements US over the bars store (through {@link ScanData}, so
 * incubation shares the store's universe cache with scans).
 */
export interface HypothesisUniverse {
  /** @throws MarketNotAvailableError for a market without data yet (KR) */
  load(market: MarketId): Promise<UniverseBars>;
}

/** The market has no universe here yet: nothing can be evaluated on it. Retrying cannot help. */
export class MarketNotAvailableError extends CourtsideError {
  constructor(readonly market: MarketId) {
    super(
      `the ${market} market is not available yet: its universe and bars arrive with the Korean market issue (issue 15); its hypotheses stay INCUBATING until then`,
      'discard',
    );
  }
}

/**
 * The universe over the scans' data port: US = every stored US symbol; KR
 * throws {@link MarketNotAvailableError}. Series are returned in symbol
 * order so an evaluation does not depend on the store's listing order.
 */
export function scanDataUniverse(data: ScanData): HypothesisUniverse {
  return {
    async load(market) {
      if (market !== 'US') throw new MarketNotAvailableError(market);
      const members = (await data.members()).slice().sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
      const bars = await data.load(members.map((m) => m.symbol));
      const series: BarSeries[] = [];
      let demo = false;
      for (const m of members) {
        const s = bars.get(m.symbol);
        if (!s || s.dates.length === 0) continue;
        series.push(s);
        demo ||= m.demo;
      }
      return { series, demo };
    },
  };
}
