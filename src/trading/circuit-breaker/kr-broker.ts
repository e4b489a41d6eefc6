/**
 * Which market a broker name serves, with no I/O: the alert texts (a view)
 * and the session book (which reads /pnl from the database) both ask, and
 * the view must not pull the book's database code in to know it.
 */

/** The brokers that serve KRX: KIS (virtual or live) and the KR paper book. */
export function isKrBroker(name: string): boolean {
  return name.startsWith('kis-') || name === 'paper-kr';
}
