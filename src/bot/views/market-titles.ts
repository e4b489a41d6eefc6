import type { Market } from '../../engine/market/markets.js';

/** A market's section title in /positions, /orders and /pnl when the book spans two markets. */
export const MARKET_TITLE: Readonly<Record<Market, string>> = { US: '🇺🇸 US (NYSE, $)', KR: '🇰🇷 KR (KRX, ₩)' };
