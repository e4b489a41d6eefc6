import type { ResponseParameters } from './types.js';

/**
 * A Bot API failure: becomes `{ ok: false, error_code, description, parameters? }` with the
 * HTTP status equal to `error_code`, exactly as api.telegram.org answers.
 */
export class BotApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
    this.name = 'BotApiError';
  }

  /** The JSON body the real API would send for this error. */
  toJSON(): { ok: false; error_code: number; description: string; parameters?: ResponseParameters } {
    return {
      ok: false,
      error_code: this.errorCode,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

/** A 400 with the real API's "Bad Request: " prefix. */
export function badRequest(detail: string): BotApiError {
  return new BotApiError(400, `Bad Request: ${detail}`);
}

/** A 429 with `parameters.retry_after`, worded like the real flood-wait error. */
export function tooManyRequests(retryAfter: number): BotApiError {
  return new BotApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
}

/**
 * Descriptions copied from real API responses. Tests and the product match on these strings,
 * so they live in one place and must not be reworded.
 */
export const Descriptions = {
  unauthorized: 'Unauthorized',
  notFound: 'Not Found',
  chatNotFound: 'chat not found',
  chatIdEmpty: 'chat_id is empty',
  textEmpty: 'message text is empty',
  textTooLong: 'message is too long',
  captionTooLong: 'message caption is too long',
  notModified:
    'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
  messageToEditNotFound: 'message to edit not found',
  messageToDeleteNotFound: 'message to delete not found',
  messageCantBeEdited: "message can't be edited",
  replyNotFound: 'message to be replied not found',
  noTextToEdit: 'there is no text in the message to edit',
  noCaptionToEdit: 'there is no caption in the message to edit',
  buttonDataInvalid: 'BUTTON_DATA_INVALID',
  queryTooOld: 'query is too old and response timeout expired or query ID is invalid',
  getUpdatesConflict:
    'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
  webhookActiveConflict:
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
  terminatedBySetWebhook: 'Conflict: terminated by setWebhook request',
  botBlocked: 'Forbidden: bot was blocked by the user',
  wrongFileId: 'wrong file identifier/HTTP URL specified',
  invalidFileId: 'invalid file_id',
  imageProcessFailed: 'IMAGE_PROCESS_FAILED',
  photoInvalidDimensions: 'PHOTO_INVALID_DIMENSIONS',
  noPhoto: 'there is no photo in the request',
  noDocument: 'there is no document in the request',
  wrongAction: 'wrong parameter action in request',
  botCommandInvalid: 'BOT_COMMAND_INVALID',
  botCommandDescriptionInvalid: 'BOT_COMMAND_DESCRIPTION_INVALID',
  invalidWebhookUrl: 'invalid webhook URL specified',
  badWebhookSecret: 'secret token contains unallowed characters',
} as const;

/**
 * Misuse of the in-process / HTTP control API (e.g. pressing a button on a message that does
 * not exist). Distinct from BotApiError because it is the test's mistake, not the bot's.
 */
export class EmulatorInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmulatorInputError';
  }
}
