import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmulatorClient, EmulatorEvent } from '../../dev/telegram/client.js';
import { buttonLine } from './card-name.js';

/**
 * Turns one emulator event into terminal lines; photos are saved under
 * `photoDir`. Buttons are listed with the numbers the emulator gave them
 * (unique in the chat, the same in every client) and the card they belong to.
 */
export async function renderEvent(ev: EmulatorEvent, client: EmulatorClient, photoDir: string): Promise<string[]> {
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
    case 'editMessageReplyMarkup':
      if (ev.buttons?.length) lines.push(`✏️  ${id} (new buttons)`);
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
  if (ev.buttons?.length) lines.push(`   ${ev.buttons.map((b) => buttonLine(b, m)).join('   ')}   (type the number to press)`);
  return lines;
}
