/** What a user is told when the bot will not take their update yet. Callback answers are cut to 200 characters. */

/** Over the per-minute rate: sent at most once a minute per user; the rest are dropped silently. */
export function tooFastReply(perMinute: number): string {
  return `⏳ You're sending commands faster than I can take them (${perMinute} a minute). Wait a few seconds and try again; /kill still works.`;
}

/** Already `held` jobs waiting or running: the update is refused until one finishes. */
export function tooManyQueuedReply(held: number): string {
  return `⏳ You already have ${held} requests waiting or running; one of them must finish first. Try again in a moment (/kill still works).`;
}
