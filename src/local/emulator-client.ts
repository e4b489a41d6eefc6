/** The local Bot API emulator's control API, as seen from another process (terminal chat, `courtside chat`). */

export interface EmulatorButton {
  text: string;
  callback_data?: string;
}

export interface EmulatorEvent {
  seq: number;
  chatId: number;
  method: string;
  message?: {
    message_id: number;
    text?: string;
    caption?: string;
    photo?: { file_id: string; width: number; height: number }[];
    document?: { file_id: string; file_name?: string };
    reply_markup?: { inline_keyboard?: EmulatorButton[][] };
  };
  callbackAnswer?: { text?: string; show_alert?: boolean };
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
    const body = (await res.json().catch(() => ({}))) as T & { error?: string };
    if (!res.ok) throw new Error(`local emulator refused ${path}: ${body.error ?? res.status}`);
    return body;
  }

  sendMessage(userId: number, text: string, firstName = 'You'): Promise<{ update_id: number; message_id: number }> {
    return this.call('/_emulator/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, text, firstName }) });
  }

  pressButton(userId: number, messageId: number, data: string): Promise<{ update_id: number; callback_query_id: string }> {
    return this.call('/_emulator/callbacks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, messageId, data }) });
  }

  async events(chatId: number, afterSeq: number, waitMs: number): Promise<EmulatorEvent[]> {
    const r = await this.call<{ events: EmulatorEvent[] }>(`/_emulator/events?chat_id=${chatId}&after=${afterSeq}&wait=${waitMs}`);
    return r.events;
  }

  async file(fileId: string): Promise<Buffer> {
    const res = await fetch(`${this.baseUrl}/_emulator/files/${encodeURIComponent(fileId)}`);
    if (!res.ok) throw new Error(`file ${fileId} not found in the local emulator`);
    return Buffer.from(await res.arrayBuffer());
  }
}
