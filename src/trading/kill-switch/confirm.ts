import type { SqlSession } from '../../adapters/db/port.js';
import type { Market } from '../../engine/market/markets.js';
import { Confirmations, type ConfirmBinding, type ConfirmRefusal, type IssuedConfirmation } from '../confirmations/confirmations.js';
import { KillSwitchChangedError } from './kill-switch.js';
import type { KillSwitchState } from './verdict.js';

/** The kill switch's confirmations: bound to its epoch. */
export const RESUME_CONFIRM: ConfirmBinding = { action: 'killswitch.resume', subject: 'kill-switch' };
export const FLATTEN_CONFIRM: ConfirmBinding = { action: 'killswitch.flatten', subject: 'kill-switch' };

/** What the kill switch's confirm steps need. */
export interface KillConfirmDeps {
  killSwitch: {
    state(): Promise<KillSwitchState>;
    resume(by: number | string, opts?: { expectedEpoch?: number }): Promise<KillSwitchState>;
  };
  /** Postgres, where tokens live. */
  db: SqlSession;
  now?: () => Date;
}

const tokens = (deps: KillConfirmDeps) => new Confirmations(deps.db, deps.now ? { now: deps.now } : {});

/** A refusal with what the switch is now (for "changed at HH:MM"). */
export type KillConfirmRefused = { kind: 'refused'; refusal: ConfirmRefusal };

/** `/resume`: a token bound to the current epoch — or nothing to resume. */
export async function askResume(deps: KillConfirmDeps, by: number): Promise<{ kind: 'already_off' } | { kind: 'unknown_state' } | { kind: 'ask'; token: IssuedConfirmation; state: KillSwitchState }> {
  const state = await deps.killSwitch.state();
  if (!state.engaged) return { kind: 'already_off' };
  if (state.epoch === null) return { kind: 'unknown_state' };
  return { kind: 'ask', token: await tokens(deps).issue({ ...RESUME_CONFIRM, version: state.epoch, issuedBy: by }), state };
}

/**
 * The resume Confirm button: resumes only if the token is unspent and the
 * switch is still at the epoch it was shown for (checked again, atomically,
 * by the conditional resume). An already-off switch is said so first (a
 * double tap after a resume changes nothing either way).
 */
export async function confirmResume(deps: KillConfirmDeps, tokenId: string, by: number): Promise<{ kind: 'already_off' } | KillConfirmRefused | { kind: 'resumed'; state: KillSwitchState }> {
  const now = await deps.killSwitch.state();
  if (!now.engaged) return { kind: 'already_off' };
  const verdict = await tokens(deps).redeem(tokenId, RESUME_CONFIRM, { version: now.epoch, changedAt: now.changedAt }, by);
  if (verdict.kind !== 'ok') return { kind: 'refused', refusal: verdict };
  try {
    return { kind: 'resumed', state: await deps.killSwitch.resume(by, { expectedEpoch: verdict.version }) };
  } catch (err) {
    // Someone engaged again between the read and the resume: the token was for the state before.
    if (err instanceof KillSwitchChangedError) return { kind: 'refused', refusal: { kind: 'stale', version: verdict.version, currentVersion: err.state.epoch, changedAt: err.state.changedAt } };
    throw err;
  }
}

/** `/kill flatten`: a token bound to the epoch the engage produced. */
export async function askFlatten(deps: KillConfirmDeps, epoch: number, by: number): Promise<IssuedConfirmation> {
  return tokens(deps).issue({ ...FLATTEN_CONFIRM, version: epoch, issuedBy: by });
}

/**
 * The flatten Confirm button: spends the token if the switch is still at its
 * epoch. The flatten job then carries that epoch and stops selling as soon as
 * the switch moves on.
 */
export async function confirmFlatten(deps: KillConfirmDeps, tokenId: string, by: number): Promise<KillConfirmRefused | { kind: 'confirmed'; epoch: number }> {
  const now = await deps.killSwitch.state();
  const verdict = await tokens(deps).redeem(tokenId, FLATTEN_CONFIRM, { version: now.epoch, changedAt: now.changedAt }, by);
  return verdict.kind === 'ok' ? { kind: 'confirmed', epoch: verdict.version } : { kind: 'refused', refusal: verdict };
}

/** A Cancel button: spends the token, so its Confirm does nothing afterwards. */
export async function cancelConfirm(deps: KillConfirmDeps, binding: ConfirmBinding, tokenId: string, by: number): ReturnType<Confirmations['cancel']> {
  return tokens(deps).cancel(tokenId, binding, by);
}

/** `/kill flatten` while the market is closed: queue the flatten for the open, bound to the kill epoch. */
export const FLATTEN_QUEUE_CONFIRM: ConfirmBinding = { action: 'killswitch.flatten_queue', subject: 'kill-switch' };
/**
 * The same offer for the KR book while KRX takes no orders: its own subject, so a KR token never
 * queues the US flatten (or the reverse) — each market's button spends only its own token.
 */
export const FLATTEN_QUEUE_KR_CONFIRM: ConfirmBinding = { action: 'killswitch.flatten_queue', subject: 'kill-switch:KR' };

/** The flatten-queue binding of `market` (US: the one it always was). */
export function flattenQueueBinding(market: Market): ConfirmBinding {
  return market === 'KR' ? FLATTEN_QUEUE_KR_CONFIRM : FLATTEN_QUEUE_CONFIRM;
}

/** The "Queue flatten for the open" offer of `market` (default US): a token bound to the epoch the engage produced. */
export async function askFlattenQueue(deps: KillConfirmDeps, epoch: number, by: number, market: Market = 'US'): Promise<IssuedConfirmation> {
  return tokens(deps).issue({ ...flattenQueueBinding(market), version: epoch, issuedBy: by });
}

/** Its button: spends the token if the switch is still at its epoch; the queued flatten carries that epoch. */
export async function confirmFlattenQueue(deps: KillConfirmDeps, tokenId: string, by: number, market: Market = 'US'): Promise<KillConfirmRefused | { kind: 'confirmed'; epoch: number }> {
  const now = await deps.killSwitch.state();
  const verdict = await tokens(deps).redeem(tokenId, flattenQueueBinding(market), { version: now.epoch, changedAt: now.changedAt }, by);
  return verdict.kind === 'ok' ? { kind: 'confirmed', epoch: verdict.version } : { kind: 'refused', refusal: verdict };
}
