import type { FileStore } from '../files.js';
import type { Outbox } from '../outbox.js';
import type { Params } from '../params.js';
import type { EmulatorState } from '../state.js';
import type { UpdateQueue } from '../update-queue.js';
import type { WebhookDeliverer } from '../webhook.js';

/** What a Bot API method implementation gets to work with. */
export interface MethodContext {
  params: Params;
  state: EmulatorState;
  queue: UpdateQueue;
  outbox: Outbox;
  files: FileStore;
  webhook: WebhookDeliverer;
  /** Registers a callback for when the HTTP client disconnects before being answered. */
  onAbort(callback: () => void): void;
}

/** A successful result with the optional `description` some methods (setWebhook…) return. */
export class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

/** A method implementation: returns the `result` (or a Described), throws BotApiError. */
export type MethodHandler = (ctx: MethodContext) => unknown;

/** Methods keyed by lower-case name; `name` is the canonical spelling used in events. */
export type MethodTable = Record<string, { name: string; handler: MethodHandler }>;

/** Builds a MethodTable from canonical names. */
export function methodTable(handlers: Record<string, MethodHandler>): MethodTable {
  const table: MethodTable = {};
  for (const [name, handler] of Object.entries(handlers)) table[name.toLowerCase()] = { name, handler };
  return table;
}
