import { z } from 'zod';
import { commandContextSchema } from './common.js';
import { PNL_PERIODS } from '../../trading/portfolio/types.js';

/** Job payload of `command.positions` and `command.orders`: who asked and where to answer. */
export const portfolioRequestSchema = commandContextSchema;

/** Job payload of `command.pnl`: who asked, where to answer, and the period (default `day`). */
export const pnlRequestSchema = commandContextSchema.extend({ period: z.enum(PNL_PERIODS).default('day') });
export type PnlRequest = z.infer<typeof pnlRequestSchema>;
