import { z } from 'zod';
import { backtestRequestSchema } from '../../trading/backtest/request.js';
import { commandContextSchema } from './common.js';

/** Payload of `backtest.run`: who asked (and their ack message) plus the normalised request. */
export const backtestJobPayloadSchema = commandContextSchema.extend({
  request: backtestRequestSchema,
});
export type BacktestJobPayload = z.infer<typeof backtestJobPayloadSchema>;
