import { EmulatorRequestError, type EmulatorButtonState, type EmulatorClient } from '../../dev/telegram/client.js';
import { buttonLine } from './card-name.js';

/**
 * A button the user asked for cannot be pressed (never shown, used, gone):
 * the message is one plain line for the terminal, never emulator internals.
 */
export class ButtonUnavailableError extends Error {
  override readonly name = 'ButtonUnavailableError';
}

/** A button found for the user's choice, ready to press. */
export interface ChosenButton {
  messageId: number;
  data: string;
  /** "[7] ✅ Approve TOL" */
  line: string;
}

function unavailable(b: EmulatorButtonState): ButtonUnavailableError {
  const line = buttonLine(b, b.message);
  return new ButtonUnavailableError(
    b.standing === 'deleted'
      ? `${line} is gone: its message was deleted. Nothing was pressed.`
      : `${line} is no longer on its message: it was used, or the message changed. Nothing was pressed.`,
  );
}

/**
 * Finds the button for `choice`: a number shown in brackets (it always means
 * the button it was shown for), or part of a label (the newest button on
 * screen whose label has it). Throws {@link ButtonUnavailableError} when there
 * is none or it can no longer be pressed.
 */
export async function chooseButton(client: EmulatorClient, chatId: number, choice: string): Promise<ChosenButton> {
  const trimmed = choice.trim();
  if (/^\d+$/.test(trimmed)) {
    const n = Number(trimmed);
    const b = await client.button(chatId, n);
    if (!b) throw new ButtonUnavailableError(`No button [${n}] in this chat: press a number shown in brackets under a message.`);
    if (b.standing !== 'live') throw unavailable(b);
    return { messageId: b.message_id, data: b.data, line: buttonLine(b, b.message) };
  }
  const wanted = trimmed.toLowerCase();
  const b = (await client.buttons(chatId)).find((x) => x.standing === 'live' && x.text.toLowerCase().includes(wanted));
  if (!b) throw new ButtonUnavailableError(`No button labelled "${trimmed}" is on screen. Send the command that shows it first.`);
  return { messageId: b.message_id, data: b.data, line: buttonLine(b, b.message) };
}

/** Presses a chosen button as `userId`; a button used meanwhile (the emulator refuses it) is told plainly. Returns the update id. */
export async function pressChosen(client: EmulatorClient, userId: number, b: ChosenButton): Promise<number> {
  try {
    return (await client.pressButton(userId, b.messageId, b.data)).update_id;
  } catch (err) {
    if (err instanceof EmulatorRequestError && err.status === 400) {
      throw new ButtonUnavailableError(`${b.line} is no longer on its message: it was used, or the message changed. Nothing was pressed.`);
    }
    throw err;
  }
}
