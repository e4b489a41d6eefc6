import { z } from 'zod';
import { calendarDate } from '../../lib/dates.js';

/** Payload of `review.weekly`: the week whose last session is `sessionDate` (New York). SCAFFOLD: the weekly-review work may extend it. */
export const reviewWeeklySchema = z.object({ sessionDate: calendarDate });
export type ReviewWeeklyPayload = z.infer<typeof reviewWeeklySchema>;
