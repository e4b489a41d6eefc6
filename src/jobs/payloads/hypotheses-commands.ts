import { z } from 'zod';
import { MARKET_IDS, type MarketId } from '../../engine/hypotheses/definition.js';
import { commandContextSchema } from './common.js';

/** /hypotheses [market]: every market with hypotheses, or one. */
export const hypothesesRequestSchema = commandContextSchema.extend({ market: z.enum(MARKET_IDS as [MarketId, ...MarketId[]]).optional() });

/** /hypothesis ID: the id as typed (the store matches it case-insensitively; an unknown one is answered as such). */
export const hypothesisRequestSchema = commandContextSchema.extend({ id: z.string().min(1).max(70) });
