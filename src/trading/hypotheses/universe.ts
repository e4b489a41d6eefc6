import type { BarSeries } from '../../engine/bars.js';
import type { MarketId } from '../../engine/hypotheses/definition.js';
import { CourtsideError } from '../../lib/errors.js';
import type { ScanData, UniverseMember } from '../scan/data-port.js';
import { krLeverageAllowed } from '../scan/kr-scan.js';

/** A market's universe for incubation: every stored series, and whether any of it is synthetic. */
export interface UniverseBars {
  series: BarSeries[];
  /** True when any series is synthetic (DEMO): every figure built on it says so. */
  demo: boolean;
}

/**
 * The HypothesisUniverse port: the bars a market's hypotheses are evaluated
 * on. App implements both markets over the bars store (through
 * {@link ScanData}, so incubation shares the store's universe cache with
 * scans): each market's own symbols on its own calendar, never mixed.
 */
export interface HypothesisUniverse {
  /** @throws MarketNotAvailableError for a market with no stored bars yet */
  load(market: MarketId): Promise<UniverseBars>;
}

/** The market has no stored symbols: nothing can be evaluated on it. Retrying cannot help until bars are stored. */
export class MarketNotAvailableError extends CourtsideError {
  constructor(readonly market: MarketId) {
    super(
      `the ${market} market has no stored bars yet: store them (${market === 'KR' ? 'courtside data seed stores the KR DEMO ETFs; courtside data import loads KRX bars' : 'courtside data seed / courtside data import'}); its hypotheses stay INCUBATING until then`,
      'discard',
    );
  }
}

/** Options of {@link scanDataUniverse}. */
export interface ScanDataUniverseOptions {
  /**
   * KR: leveraged and inverse ETFs join the universe only when true (KR_ALLOW_LEVERAGED), as in
   * the KR scan: a hypothesis measured on a 2x ETF would trade picks the scan never makes.
   */
  krAllowLeveraged?: boolean;
}

/**
 * The universe over the scans' data port: a market's stored symbols (KR: the
 * KRX ETFs the KR scan may trade, by leverage), in symbol order so an
 * evaluation does not depend on the store's listing order.
 *
 * @throws MarketNotAvailableError when the market has no stored symbol at all
 */
export function scanDataUniverse(data: ScanData, opts: ScanDataUniverseOptions = {}): HypothesisUniverse {
  return {
    async load(market) {
      const listed = market === 'US' ? await data.members() : await data.members(market);
      if (market !== 'US' && listed.length === 0) throw new MarketNotAvailableError(market);
      const tradeable = (m: UniverseMember) => market !== 'KR' || krLeverageAllowed(m, opts.krAllowLeveraged ?? false);
      const members = listed.filter(tradeable).sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
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
