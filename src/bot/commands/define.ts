import type { Context } from 'telegraf';
import { z } from 'zod';
import type { Role } from '../../lib/roles.js';
import type { BotDeps } from '../deps.js';
import type { Reply } from '../outbox/replies.js';

/** Arguments as the parser sees them: the tokens and the raw text after the command. */
export interface RawArgs {
  tokens: string[];
  text: string;
}

/** One invocation of a command by an allow-listed user with a sufficient role. */
export interface CommandCall<A> {
  ctx: Context;
  args: A;
  userId: number;
  role: Role;
  chatId: number;
  updateId: number;
  deps: BotDeps;
  /** Answers in the chat through the outbox (keyed by the update id): use it rather than `ctx.reply`, which a 429 loses. */
  reply: Reply;
}

/** A bot command: its help line, required role, zod-validated arguments and handler. */
export interface CommandDef<A = unknown> {
  readonly name: string;
  /** One line for /help and the Telegram command menu. */
  readonly summary: string;
  /** e.g. `/kill [reason]` */
  readonly usage: string;
  readonly role: Role;
  readonly args: z.ZodType<A, RawArgs>;
  /**
   * True for /kill: it must work when Postgres is down (the switch is mirrored
   * in Redis), so a failed audit write does not stop it.
   */
  readonly mayRunWithoutAudit?: boolean;
  run(call: CommandCall<A>): Promise<void>;
}

export function defineCommand<A>(def: CommandDef<A>): CommandDef<A> {
  return def;
}

/** For commands that take no arguments. */
export const noArgs = z
  .object({ tokens: z.array(z.string()).max(0, 'takes no arguments'), text: z.string() })
  .transform(() => ({}));
