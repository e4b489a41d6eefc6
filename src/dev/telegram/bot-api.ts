import { BotApiError, Descriptions } from './errors.js';
import type { FaultInjector } from './faults.js';
import type { FileStore } from './files.js';
import type { EmulatorLogger } from './logger.js';
import { Described, METHODS, type MethodContext } from './methods/index.js';
import type { Outbox } from './outbox.js';
import type { Params } from './params.js';
import type { EmulatorState } from './state.js';
import type { ApiResponse } from './types.js';
import type { UpdateQueue } from './update-queue.js';
import type { WebhookDeliverer } from './webhook.js';

/** An answer ready to be written: HTTP status plus the JSON envelope. */
export interface ApiAnswer {
  status: number;
  body: ApiResponse;
}

/** Collaborators the dispatcher hands to method implementations. */
export interface BotApiDeps {
  state: EmulatorState;
  queue: UpdateQueue;
  outbox: Outbox;
  files: FileStore;
  faults: FaultInjector;
  /** Resolved lazily: the webhook deliverer itself calls back into the API for webhook replies. */
  webhook: () => WebhookDeliverer;
  logger?: EmulatorLogger;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one Bot API call, transport-independent: method lookup (case-insensitive), injected
 * faults and rate limits, the method itself, then any injected response delay.
 */
export class BotApi {
  constructor(private readonly deps: BotApiDeps) {}

  /** True when `method` (any case) is implemented. */
  has(method: string): boolean {
    return Object.hasOwn(METHODS, method.toLowerCase());
  }

  async call(method: string, params: Params, onAbort: (cb: () => void) => void = () => {}): Promise<ApiAnswer> {
    const key = method.toLowerCase();
    const entry = Object.hasOwn(METHODS, key) ? METHODS[key] : undefined;
    if (!entry) return errorAnswer(new BotApiError(404, Descriptions.notFound));
    const { faults } = this.deps;
    const delay = faults.takeDelay(key);
    let answer: ApiAnswer;
    const injected = faults.takeFailure(key) ?? faults.checkRateLimit(key);
    if (injected) {
      answer = errorAnswer(injected);
    } else {
      const ctx: MethodContext = {
        params,
        state: this.deps.state,
        queue: this.deps.queue,
        outbox: this.deps.outbox,
        files: this.deps.files,
        webhook: this.deps.webhook(),
        onAbort,
      };
      try {
        const result = await entry.handler(ctx);
        answer =
          result instanceof Described
            ? { status: 200, body: { ok: true, result: result.result, description: result.description } }
            : { status: 200, body: { ok: true, result } };
      } catch (err) {
        if (err instanceof BotApiError) {
          answer = errorAnswer(err);
        } else {
          this.deps.logger?.error({ method: entry.name, err }, 'telegram emulator: method crashed');
          answer = errorAnswer(new BotApiError(500, 'Internal Server Error'));
        }
      }
    }
    if (delay > 0) await sleep(delay);
    return answer;
  }
}

/** The envelope and status of an error. */
export function errorAnswer(err: BotApiError): ApiAnswer {
  return { status: err.errorCode, body: err.toJSON() };
}
