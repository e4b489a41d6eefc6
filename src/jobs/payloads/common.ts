import { z } from 'zod';
import { calendarDate } from '../../lib/dates.js';
import { ROLES } from '../../lib/roles.js';

/** Who asked, where to answer, and which update it came from (the idempotency key). */
export const commandContextSchema = z.object({
  updateId: z.number().int().nonnegative(),
  chatId: z.number().int(),
  userId: z.number().int().positive(),
  role: z.enum(ROLES),
  /** The bot's acknowledgement message, edited with progress by long jobs. */
  ackMessageId: z.number().int().positive().optional(),
});
export type CommandContext = z.infer<typeof commandContextSchema>;

/** /picks [date]: the session date to list, or the latest one with picks. */
export const picksRequestSchema = commandContextSchema.extend({ date: calendarDate.optional() });

const inlineKeyboardSchema = z.array(z.array(z.object({ text: z.string().min(1).max(64), callback_data: z.string().min(1).max(64) })));

const entityShape = z.object({ type: z.string(), offset: z.number().int().nonnegative(), length: z.number().int().positive() }).loose();
/**
 * A formatting span of a message (bold, code, a link…): the chat face's own
 * entity type, checked structurally here so the jobs layer stays free of any
 * chat library; extra fields such as `url` or `language` pass through.
 */
export interface TextEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}
const entitySchema = z.custom<TextEntity>((v) => entityShape.safeParse(v).success, 'invalid message entity');

/** One thing to show in a chat. Photos travel as Redis blob keys, not bytes, to keep job data small. */
export const notifyOpSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string().min(1), entities: z.array(entitySchema).optional(), keyboard: inlineKeyboardSchema.optional() }),
  z.object({
    kind: z.literal('photo'),
    blobKey: z.string().min(1),
    /** Remember the sent message id under this reference (e.g. `pick:p1a2b3c`) so it can be edited later. */
    ref: z.string().min(1).max(80).optional(),
    caption: z.string().optional(),
    captionEntities: z.array(entitySchema).optional(),
    keyboard: inlineKeyboardSchema.optional(),
  }),
  z.object({
    kind: z.literal('edit'),
    messageId: z.number().int().positive(),
    text: z.string().min(1),
    entities: z.array(entitySchema).optional(),
    keyboard: inlineKeyboardSchema.optional(),
  }),
  z.object({ kind: z.literal('editKeyboard'), messageId: z.number().int().positive(), keyboard: inlineKeyboardSchema }),
  /** Replaces a photo's caption (e.g. a pick card showing its outcome); an empty keyboard removes the buttons. */
  z.object({
    kind: z.literal('editCaption'),
    messageId: z.number().int().positive(),
    caption: z.string().min(1),
    captionEntities: z.array(entitySchema).optional(),
    keyboard: inlineKeyboardSchema.optional(),
  }),
]);
export type NotifyOp = z.infer<typeof notifyOpSchema>;

export const notifyPayloadSchema = z.object({
  chatId: z.number().int(),
  ops: z.array(notifyOpSchema).min(1),
  /** Why this message exists (command name, digest, alert), for logs and metrics. */
  origin: z.string().min(1),
  /** Deliver without a sound (Telegram `disable_notification`), e.g. for users who chose "silent". */
  silent: z.boolean().optional(),
});
export type NotifyPayload = z.infer<typeof notifyPayloadSchema>;
