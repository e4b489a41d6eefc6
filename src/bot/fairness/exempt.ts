import type { Context } from 'telegraf';
import { roleAllows, type Role } from '../../lib/roles.js';
import { CALLBACK_ACTIONS, verifyCallback, type CallbackAction } from '../callback-data.js';
import { killCommand } from '../commands/kill.js';
import { resumeCommand } from '../commands/resume.js';
import { parseCommand } from '../parse-command.js';

/** The commands that halt and restart trading, by name, with the role each needs. */
const EXEMPT_COMMANDS: ReadonlyMap<string, Role> = new Map([killCommand, resumeCommand].map((c) => [c.name, c.role]));

/** Their confirm and cancel buttons, with the role of the command that offers them (a forged press cannot claim one: the signature is checked). */
const EXEMPT_ACTIONS: ReadonlyMap<CallbackAction, Role> = new Map([
  [CALLBACK_ACTIONS.resumeConfirm, resumeCommand.role],
  [CALLBACK_ACTIONS.resumeCancel, resumeCommand.role],
  [CALLBACK_ACTIONS.flattenConfirm, killCommand.role],
  [CALLBACK_ACTIONS.flattenCancel, killCommand.role],
]);

/** Button presses that only stop work: limited in rate, but never refused for holding too many jobs. */
const FREEING_ACTIONS: ReadonlySet<CallbackAction> = new Set([CALLBACK_ACTIONS.backtestCancel]);

/** How the fairness middleware treats an update. */
export type FairnessClass = 'exempt' | 'rate_only' | 'limited';

/**
 * /kill and /resume (and their buttons) always get through for a user whose
 * role may use them, however fast that user sends: stopping trading must
 * never wait. For anyone else they could only be refused, so they count like
 * any update (otherwise a viewer repeating /kill would get unlimited replies).
 * A cancel button is counted but never refused for a full queue, since
 * pressing it is how a slot frees.
 */
export function classifyUpdate(ctx: Context, role: Role, callbackKey: Buffer, nowMs: number): FairnessClass {
  const cq = ctx.callbackQuery;
  if (cq) {
    const verdict = verifyCallback(callbackKey, 'data' in cq ? cq.data : undefined, nowMs);
    if (!verdict.ok) return 'limited';
    const needs = EXEMPT_ACTIONS.get(verdict.payload.action);
    if (needs && roleAllows(role, needs)) return 'exempt';
    return FREEING_ACTIONS.has(verdict.payload.action) ? 'rate_only' : 'limited';
  }
  const msg = ctx.message;
  const parsed = parseCommand(msg && 'text' in msg ? msg.text : undefined, ctx.botInfo?.username);
  const needs = parsed.kind === 'command' ? EXEMPT_COMMANDS.get(parsed.name) : undefined;
  return needs && roleAllows(role, needs) ? 'exempt' : 'limited';
}
