/**
 * Local Telegram Bot API emulator: a real-wire-format Bot API on 127.0.0.1 for e2e tests and
 * the product's local mode. See {@link startTelegramEmulator}.
 */
export { startTelegramEmulator, TelegramEmulator, TOKEN_PATTERN } from './emulator.js';
export type { TelegramEmulatorOptions, ChatState, EmulatorFile } from './emulator.js';
export type { SendUserMessageInput, SendUserMessageResult, PressButtonInput, PressButtonResult } from './control-api.js';
export type { OutboxEvent, EventQuery } from './outbox.js';
export type { FailSpec, RateLimitSpec } from './faults.js';
export type { RegisterChatInput } from './state.js';
export type { EmulatorLogger } from './logger.js';
export type { WebhookOptions } from './webhook.js';
export { BotApiError, EmulatorInputError, Descriptions } from './errors.js';
export type * from './types.js';
