import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buttonsOf, type ChatButton, type EmulatorClient, type EmulatorEvent } from '../../dev/telegram/client.js';

/** Buttons shown so far, numbered for the terminal user: index → (message, data). */
export class ButtonBook {
  private entries: { messageId: number; button: ChatButton }[] = [];

  /** Replaces the numbering with the buttons of the newest message that has any. */
  offer(messageId: number, rows: ChatButton[][]): string {
    this.entries = rows.flat().map((button) => ({ messageId, button }));
    return this.entries.map((e, i) => `[${i + 1}] ${e.button.text}`).join('   ');
  }

  /** Finds a button by its 1-based number or by (part of) its label. */
  find(choice: string): { messageId: number; data: string; text: string } | null {
    const n = Number(choice);
    const e = Number.isInteger(n) && n >= 1 ? this.entries[n - 1] : this.entries.find((x) => x.button.text.toLowerCase().includes(choice.toLowerCase()));
    return e ? { messageId: e.messageId, data: e.button.data, text: e.button.text } : null;
  }
}

/** Turns one emulator event into terminal lines; photos are saved under `photoDir`. */
export async function renderEvent(ev: EmulatorEvent, client: EmulatorClient, photoDir: string, buttons: ButtonBook): Promise<string[]> {
  const lines: string[] = [];
  const m = ev.message;
  const id = m ? `#${m.message_id}` : '';
  switch (ev.method) {
    case 'sendMessage':
      if (m?.text) lines.push(`🤖 ${id} ${m.text}`);
      break;
    case 'editMessageText':
    case 'editMessageCaption':
      lines.push(`✏️  ${id} (edited) ${m?.text ?? m?.caption ?? ''}`);
      break;
    case 'sendPhoto': {
      const photo = m?.photo?.[m.photo.length - 1];
      if (photo) {
        await mkdir(photoDir, { recursive: true });
        const path = join(photoDir, `${m!.message_id}-${photo.file_id.slice(0, 12)}.png`);
        await writeFile(path, await client.file(photo.file_id));
        lines.push(`🖼  ${id} photo ${photo.width}×${photo.height} saved to ${path}`);
      }
      if (m?.caption) lines.push(`   ${m.caption}`);
      break;
    }
    case 'answerCallbackQuery':
      if (ev.text) lines.push(`ℹ️  ${ev.text}`);
      break;
    case 'deleteMessage':
      lines.push(`🗑  message deleted`);
      break;
    default:
      return lines;
  }
  const kb = buttonsOf(m);
  if (m && kb && kb.length > 0 && ev.method !== 'answerCallbackQuery') lines.push(`   ${buttons.offer(m.message_id, kb)}   (type the number to press)`);
  return lines;
}
