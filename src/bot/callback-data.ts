import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Inline-button data is signed so a forged or edited button press changes
 * nothing. Format: `<action>.<arg>.<expiry base36 seconds>.<mac>` — at most
 * 64 bytes, the Bot API's limit. Confirm and Cancel buttons carry their
 * confirmation token id as `arg` (src/trading/confirmations): the signature
 * proves the bot made the button, the token makes it single use and binds it
 * to the state it was shown for.
 */
const MAC_CHARS = 16;
const MAX_BYTES = 64;

/** Short action codes: keep data small. */
export const CALLBACK_ACTIONS = {
  resumeConfirm: 'rs',
  resumeCancel: 'rc',
  approvePick: 'ap',
  rejectPick: 'rj',
  backtestCancel: 'bc',
  flattenConfirm: 'fc',
  flattenCancel: 'fx',
  settingsSet: 'st',
  /** /resolve's buttons (arg: the confirmation token). */
  resolveMarkFailed: 'mf',
  resolveBookFill: 'bf',
  /** Orders queued for the open (arg: an op letter and its id, see src/bot/callbacks/queue.ts). */
  queueOp: 'qo',
  /** `/close` and the Close buttons on /positions (arg: an op letter and a position ref or token, see src/bot/callbacks/close.ts). */
  closeOp: 'cp',
  /** `/retire ID`'s Confirm and Cancel (arg: an op letter and the confirmation token, see src/bot/callbacks/hypotheses.ts). */
  hypothesisOp: 'hy',
  /** /journal's Why and Older buttons (arg: `w<ref>` or `p<offset>_<key>`, see src/bot/commands/journal.ts). */
  journalOp: 'jo',
} as const;
export type CallbackAction = (typeof CALLBACK_ACTIONS)[keyof typeof CALLBACK_ACTIONS];

const payloadSchema = z.object({
  action: z.enum(Object.values(CALLBACK_ACTIONS) as [CallbackAction, ...CallbackAction[]]),
  arg: z.string().regex(/^[A-Za-z0-9_-]{0,24}$/),
  expiresAt: z.number().int().positive(),
});
export type CallbackPayload = z.infer<typeof payloadSchema>;

export type CallbackVerdict = { ok: true; payload: CallbackPayload } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url').slice(0, MAC_CHARS);
}

/** Signs `action` + `arg` valid until `expiresAtMs`. */
export function signCallback(key: Buffer, action: CallbackAction, arg: string, expiresAtMs: number): string {
  const body = `${action}.${arg}.${Math.ceil(expiresAtMs / 1000).toString(36)}`;
  const data = `${body}.${mac(key, body)}`;
  if (Buffer.byteLength(data) > MAX_BYTES) throw new Error(`callback data is ${Buffer.byteLength(data)} bytes; the Bot API allows ${MAX_BYTES}`);
  payloadSchema.parse({ action, arg, expiresAt: Math.ceil(expiresAtMs / 1000) });
  return data;
}

/** Checks signature, shape and expiry; never throws. */
export function verifyCallback(key: Buffer, data: unknown, nowMs: number): CallbackVerdict {
  if (typeof data !== 'string' || Buffer.byteLength(data) > MAX_BYTES) return { ok: false, reason: 'malformed' };
  const parts = data.split('.');
  if (parts.length !== 4) return { ok: false, reason: 'malformed' };
  const [action, arg, exp, sig] = parts as [string, string, string, string];
  const body = `${action}.${arg}.${exp}`;
  const want = Buffer.from(mac(key, body));
  const got = Buffer.from(sig);
  if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, reason: 'bad_signature' };
  const parsed = payloadSchema.safeParse({ action, arg, expiresAt: parseInt(exp, 36) });
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  if (parsed.data.expiresAt * 1000 < nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, payload: parsed.data };
}
