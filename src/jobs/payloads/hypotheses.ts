import { z } from 'zod';
import { MARKET_IDS } from '../../engine/hypotheses/definition.js';
import { calendarDate } from '../../lib/dates.js';

const market = z.enum(MARKET_IDS as unknown as ['US', 'KR']);

/** Payload of `hypotheses.session`: the session (its ISO date) just closed in `market`. */
export const hypothesesSessionSchema = z.object({
  market,
  session: calendarDate,
});
export type HypothesesSessionPayload = z.infer<typeof hypothesesSessionSchema>;

/** Payload of `hypothesis.incubate`: one INCUBATING hypothesis at the version it was enqueued with. */
export const hypothesisIncubateSchema = z.object({
  hypothesisId: z.string().regex(/^h[0-9a-f]{8,64}$/, 'a hypothesis id: h + hex digits'),
  version: z.number().int().positive(),
  /** The session the transition is recorded under. */
  session: calendarDate,
});
export type HypothesisIncubatePayload = z.infer<typeof hypothesisIncubateSchema>;
