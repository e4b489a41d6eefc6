import { z } from 'zod';
import type { CommissionModel } from './commission.js';
import { feeRounder, fillRounder } from './fills.js';
import type { PortfolioOptions } from './portfolio-types.js';
import type { Sizing } from './sizing.js';

const fraction = z.number().positive().max(1);

const sizingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('shares'), n: z.number().positive() }),
  z.object({ kind: z.literal('dollars'), n: z.number().positive() }),
  z.object({ kind: z.literal('equity'), pct: fraction }),
  z.object({ kind: z.literal('risk'), pct: fraction }),
]);

const commissionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('per_share'), perShare: z.number().nonnegative(), minimum: z.number().nonnegative() }),
  z.object({ kind: z.literal('bps'), bps: z.number().nonnegative() }),
  z.object({ kind: z.literal('krw_rate'), rate: z.number().nonnegative().max(0.01) }),
]);

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const scalarsSchema = z.object({
  initialCash: z.number().positive().default(100_000),
  slippageBps: z.number().nonnegative().default(5),
  commission: commissionSchema.default({ kind: 'none' }),
  sizing: sizingSchema.default({ kind: 'risk', pct: 0.01 }),
  maxPositions: z.number().int().positive().optional(),
  maxPositionPct: z.number().positive().optional(),
  startDate: isoDate.optional(),
  endDate: isoDate.optional(),
});

/** Portfolio settings with defaults applied; absent caps become Infinity. */
export interface ResolvedSettings {
  initialCash: number;
  slippageBps: number;
  commission: CommissionModel;
  sizing: Sizing;
  maxPositions: number;
  maxPositionPct: number;
  startDate: string | undefined;
  endDate: string | undefined;
  /** Puts a fill (after slippage) on the exchange's tick of its date; null keeps raw prices (see FillTick). */
  onTick: ((price: number, date: string, side: 'buy' | 'sell') => number) | null;
  /** Rounds a commission as the exchange's currency is charged (whole won for KRX); null keeps it raw. */
  onFee: ((fee: number) => number) | null;
}

/**
 * Validates the scalar portfolio options and fills in defaults.
 *
 * @throws ZodError on invalid settings (negative cash, unknown sizing kind, ...)
 */
export function resolveSettings(opts: PortfolioOptions): ResolvedSettings {
  const s = scalarsSchema.parse({
    initialCash: opts.initialCash,
    slippageBps: opts.slippageBps,
    commission: opts.commission,
    sizing: opts.sizing,
    maxPositions: opts.maxPositions,
    maxPositionPct: opts.maxPositionPct,
    startDate: opts.startDate,
    endDate: opts.endDate,
  });
  return {
    initialCash: s.initialCash,
    slippageBps: s.slippageBps,
    commission: s.commission,
    sizing: s.sizing,
    maxPositions: s.maxPositions ?? Infinity,
    maxPositionPct: s.maxPositionPct ?? Infinity,
    startDate: s.startDate,
    endDate: s.endDate,
    onTick: fillRounder(opts.fillTick),
    onFee: feeRounder(opts.fillTick),
  };
}
