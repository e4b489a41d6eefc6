import { nyLocalParts } from '../../engine/calendar/index.js';

/** New York wall-clock time, "09:45": trading happens on exchange time, whatever the server's zone. */
export function nyTime(at: Date): string {
  const p = nyLocalParts(at.getTime());
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

/** "09:45 ET". */
export function nyClock(at: Date): string {
  return `${nyTime(at)} ET`;
}
