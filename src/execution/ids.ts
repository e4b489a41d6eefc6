import { MAX_CLIENT_ORDER_ID_LENGTH } from '../brokers/port.js';

/**
 * The broker client order id of an approval's order: derived from the
 * approval id alone (never a clock or retry counter), so every attempt,
 * replay or restart sends the same id and the broker's idempotency holds.
 * `cs-` + a 36-character uuid = 39 characters.
 */
export function clientOrderIdFor(approvalId: string): string {
  const id = `cs-${approvalId.toLowerCase()}`;
  if (!/^cs-[0-9a-f-]{1,45}$/.test(id) || id.length > MAX_CLIENT_ORDER_ID_LENGTH) {
    throw new RangeError(`approval id ${JSON.stringify(approvalId.slice(0, 60))} does not make a valid client order id`);
  }
  return id;
}

/** Built once: constructing an Intl formatter costs far more than using one. */
const NY_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The trading day (America/New_York calendar date, `YYYY-MM-DD`) an instant belongs to: the daily budget's key. */
export function tradingDay(at: Date): string {
  const parts = NY_DATE.formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}
