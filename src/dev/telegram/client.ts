/** The local Bot API emulator's control API, as seen from another process (terminal chat, `courtside chat`). */

export interface EmulatorButton {
  text: string;
  callback_data?: string;
}

/** A text span of a message (bold, code, …), as the Bot API describes it. */
export interface EmulatorEntity {
  type: string;
  offset: number;
  length: number;
}

/** A message as the control API returns it (the fields the terminal clients read). */
export interface EmulatorMessage {
  message_id: number;
  text?: string;
  caption?: string;
  entities?: EmulatorEntity[];
  caption_entities?: EmulatorEntity[];
  photo?: { file_id: string; width: number; height: number }[];
  document?: { file_id: string; file_name?: string };
  reply_markup?: { inline_keyboard?: EmulatorButton[][] };
}

/** A callback button with its chat-wide number (the emulator numbers every button the bot shows). */
export interface EmulatorNumberedButton {
  number: number;
  text: string;
  data: string;
  message_id: number;
}

/**
 * A numbered button, its message as it was when it showed the button, and
 * where it stands: `live` (its message still shows it), `replaced` (pressed
 * and answered, or edited away) or `deleted` (its message is gone).
 */
export interface EmulatorButtonState extends EmulatorNumberedButton {
  standing: 'live' | 'replaced' | 'deleted';
  message: EmulatorMessage;
}

/** The control API refused a request: `status` is its HTTP status, the message its plain reason. */
export class EmulatorRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'EmulatorRequestError';
  }
}

export interface EmulatorEvent {
  seq: number;
  chat_id: number | null;
  method: string;
  /** The message's callback buttons with their numbers (sends and edits). */
  buttons?: EmulatorNumberedButton[];
  message?: EmulatorMessage & {
    photo?: { file_id: string; width: number; height: number }[];
    document?: { file_id: string; file_name?: string };
    reply_markup?: { inline_keyboard?: EmulatorButton[][] };
  };
  /** answerCallbackQuery's text and alert flag. */
  text?: string;
  show_alert?: boolean;
}

/** A pressable button of a message, as the terminal chat offers it. */
export interface ChatButton {
  text: string;
  /** What pressing it sends back (the button's callback data). */
  data: string;
}

/** The pressable buttons of an event's message, row by row (empty when it has none). */
export function buttonsOf(message: EmulatorEvent['message']): ChatButton[][] {
  const rows = message?.reply_markup?.inline_keyboard ?? [];
  return rows.map((row) => row.filter((b) => b.callback_data).map((b) => ({ text: b.text, data: b.callback_data! }))).filter((row) => row.length > 0);
}

/** Thin HTTP client; errors say how to start the local instance. */
export class EmulatorClient {
  constructor(readonly baseUrl: string) {}

  private async call<T>(path: string, init?: RequestInit): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, init);
    } catch {
      throw new Error(`No local Courtside instance answers at ${this.baseUrl}. Start one with \`npm start\` (no TELEGRAM_BOT_TOKEN) in another terminal, or set LOCAL_BOT_API_PORT to its port.`);
    }
    const body = (await res.json().catch(() => ({}))) as { ok?: boolean; result?: T; error?: string };
    if (!res.ok || !body.ok) throw new EmulatorRequestError(res.status, `local emulator refused ${path.split('?')[0]}: ${body.error ?? res.status}`);
    return body.result as T;
  }

  /** The emulator's newest event seq (a cursor: events after it are new). */
  async lastSeq(): Promise<number> {
    return (await this.call<{ last_seq: number }>('/_emulator/health')).last_seq;
  }

  /** True once the bot is done with the update (see TelegramEmulator.updateHandled). */
  async updateHandled(updateId: number): Promise<boolean> {
    return (await this.call<{ handled: boolean }>(`/_emulator/updates/${updateId}`)).handled;
  }

  /** The button shown as `number` in the chat and where it stands; null when no button had that number. */
  async button(chatId: number, number: number): Promise<EmulatorButtonState | null> {
    try {
      return await this.call<EmulatorButtonState>(`/_emulator/buttons?chat_id=${chatId}&number=${number}`);
    } catch (err) {
      if (err instanceof EmulatorRequestError && err.status === 404) return null;
      throw err;
    }
  }

  /** Every numbered button of the chat, newest first. */
  buttons(chatId: number): Promise<EmulatorButtonState[]> {
    return this.call(`/_emulator/buttons?chat_id=${chatId}`);
  }

  sendMessage(userId: number, text: string, firstName = 'You'): Promise<{ update_id: number; message_id: number }> {
    return this.call('/_emulator/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, text, firstName }) });
  }

  pressButton(userId: number, messageId: number, data: string): Promise<{ update_id: number; callback_query_id: string }> {
    return this.call('/_emulator/callbacks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, messageId, data }) });
  }

  async events(chatId: number, afterSeq: number, waitMs: number): Promise<EmulatorEvent[]> {
    return (await this.poll(chatId, afterSeq, waitMs)).events;
  }

  /** Events after `afterSeq` (waiting up to `waitMs` for one) and the emulator's newest seq overall. */
  poll(chatId: number, afterSeq: number, waitMs: number): Promise<{ events: EmulatorEvent[]; last_seq: number }> {
    return this.call(`/_emulator/events?chat_id=${chatId}&after=${afterSeq}&wait=${waitMs}`);
  }

  async file(fileId: string): Promise<Buffer> {
    const res = await fetch(`${this.baseUrl}/_emulator/files/${encodeURIComponent(fileId)}`);
    if (!res.ok) throw new Error(`file ${fileId} not found in the local emulator`);
    return Buffer.from(await res.arrayBuffer());
  }
}
