import type { KillSwitchRecord } from '../../adapters/redis/port.js';

/** A copy of the kill switch whose epoch is known. */
export type NumberedRecord = KillSwitchRecord & { epoch: number };

/** Where the winning copy came from. */
export type RecordSource = 'postgres' | 'redis' | 'memory';

/** What the kill switch says, from each store, and the combined verdict. */
export interface KillSwitchState {
  /**
   * The state of the copy with the highest epoch — and true whenever a
   * store could not be read (trading fails closed).
   */
  engaged: boolean;
  /**
   * The highest epoch known: bumped by every engage and every resume, so a
   * confirmation made for one epoch never acts on another. Null only when no
   * store answered and this process has seen none.
   */
  epoch: number | null;
  reason: string | null;
  changedBy: string | null;
  changedAt: Date | null;
  postgres: boolean | 'unreachable';
  /** The mirror's own flag; an empty mirror (fresh or flushed Redis) reads false but never decides alone. */
  redis: boolean | 'unreachable';
}

/** What each copy says right now; `memory` is the newest copy this process has seen. */
export interface KillSwitchCopies {
  postgres: NumberedRecord | 'unreachable';
  /** null: the mirror is empty — unknown, never "off". */
  redis: KillSwitchRecord | null | 'unreachable';
  memory: NumberedRecord | null;
}

/** The verdict and which stores are behind the winner (a reader writes the winner to them). */
export interface KillSwitchVerdict {
  state: KillSwitchState;
  winner: NumberedRecord | null;
  source: RecordSource | null;
  repairPostgres: boolean;
  repairRedis: boolean;
}

/** Reason shown when the switch counts as engaged only because a store could not be read. */
export const UNREADABLE_REASON = 'state unreadable: failing closed';

/** Reason shown when only the mirror (or memory) says "off", at a newer epoch than Postgres: /kill then /resume puts both stores right. */
export const UNBACKED_OFF_REASON = 'the Redis mirror says off at a newer epoch than Postgres: failing closed (send /kill, then /resume)';

/**
 * Combines the copies: the highest epoch wins (on a tie an engaged copy wins,
 * then Postgres, the system of record). A store that does not answer makes
 * the verdict "engaged" whatever the winner says; an empty mirror does not
 * (Postgres answered, so its state — or a newer one this process saw — is
 * known). A mirror record from before epochs (epoch null, meaning engaged)
 * counts as one epoch newer than anything else known. Pure.
 */
export function decideKillSwitch(c: KillSwitchCopies): KillSwitchVerdict {
  const numbered: { rec: NumberedRecord; source: RecordSource }[] = [];
  if (c.postgres !== 'unreachable') numbered.push({ rec: c.postgres, source: 'postgres' });
  if (c.memory) numbered.push({ rec: c.memory, source: 'memory' });
  const rd = c.redis === 'unreachable' ? null : c.redis;
  if (rd) {
    const epoch = rd.epoch ?? Math.max(0, ...numbered.map((n) => n.rec.epoch)) + 1;
    numbered.push({ rec: { ...rd, epoch }, source: 'redis' });
  }
  const rank: Record<RecordSource, number> = { postgres: 0, redis: 1, memory: 2 };
  numbered.sort((a, b) => b.rec.epoch - a.rec.epoch || Number(b.rec.engaged) - Number(a.rec.engaged) || rank[a.source] - rank[b.source]);
  const top = numbered[0] ?? null;
  const winner = top?.rec ?? null;
  const unreadable = c.postgres === 'unreachable' || c.redis === 'unreachable';
  // A genuine resume is written to Postgres first (conditional on its epoch), so an "off" held
  // only by the mirror or a process's memory at a newer epoch than Postgres is not one: a forged
  // key, or another deployment sharing the prefix. Redis may add a kill, never lift one.
  const unbackedOff = winner !== null && !winner.engaged && top?.source !== 'postgres' && c.postgres !== 'unreachable' && winner.epoch > c.postgres.epoch;
  const engaged = unreadable || unbackedOff || (winner?.engaged ?? true);
  const state: KillSwitchState = {
    engaged,
    epoch: winner?.epoch ?? null,
    reason: winner?.engaged ? winner.reason : unbackedOff ? UNBACKED_OFF_REASON : engaged ? UNREADABLE_REASON : null,
    changedBy: winner?.by ?? null,
    changedAt: winner ? new Date(winner.at) : null,
    postgres: c.postgres === 'unreachable' ? 'unreachable' : c.postgres.engaged,
    redis: c.redis === 'unreachable' ? 'unreachable' : (c.redis?.engaged ?? false),
  };
  return {
    state,
    winner,
    source: top?.source ?? null,
    repairPostgres: winner !== null && !unbackedOff && c.postgres !== 'unreachable' && winner.epoch > c.postgres.epoch,
    repairRedis: winner !== null && c.redis !== 'unreachable' && (c.redis === null || c.redis.epoch === null || winner.epoch > c.redis.epoch),
  };
}
