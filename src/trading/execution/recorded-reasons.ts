import { usd } from '../../engine/risk/index.js';
import type { KillSwitchState } from '../kill-switch/kill-switch.js';

/**
 * The reasons RECORDED on approval and order rows (`approvals.reason`,
 * `orders.reject_reason`) when the execution closes one. They are stored
 * data, not chat text: /orders, the close digest and a replayed outcome show
 * them as stored, so they must not change between runs or releases. Results
 * returned to a face carry codes and figures; these strings only reach it as
 * the recorded reason of a stored row.
 */

/** An approval whose execution did not start before its window closed. */
export function expiredReason(expiresAt: Date): string {
  return `The approval expired at ${expiresAt.toISOString()} before execution started; nothing was ordered. Re-scan and approve again.`;
}

/** An entry stopped by the kill switch (at the checks, or right before the POST). */
export function entryKillSwitchReason(ks: KillSwitchState): string {
  return `Kill switch is ON (${ks.reason ?? 'no reason given'}): nothing was sent to the broker. Resume with /resume and approve a fresh pick.`;
}

/** The reservation lost a race for the last of the daily budget. */
export function budgetUsedUpReason(dailyBudget: number): string {
  return `Order refused by PolicyGate: the daily budget of ${usd(dailyBudget)} was used up by another order.`;
}

/** The broker account could not be read (and retrying cannot help). */
export function accountUnreadableReason(error: string): string {
  return `could not read the account: ${error}`;
}

/** The broker placed nothing (and retrying cannot help: bad credentials). */
export function notPlacedReason(error: string): string {
  return `${error}; nothing was placed`;
}

/** An IOC entry that ended with nothing filled. */
export function iocEndedReason(status: string): string {
  return `the IOC order ended ${status} with nothing filled`;
}

/** The broker refused without saying why. */
export function brokerRejectedReason(broker: string): string {
  return `${broker} rejected the order`;
}

/** An exit order stopped by the kill switch right before its POST. */
export function exitKillSwitchReason(ks: KillSwitchState): string {
  return `kill switch is ON (${ks.reason ?? 'no reason given'}): not sent`;
}

/** An exit order decided on an earlier day that never left: today's run decides afresh. */
export function staleExitReason(day: string): string {
  return `never sent on ${day} (the run stopped before submission); today's run decides afresh`;
}
