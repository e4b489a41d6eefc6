import type { BrokerAccount } from '../../adapters/brokers/port.js';
import { blockingFlags } from '../../lib/account-flags.js';
import { errText } from '../../lib/errors.js';
import { withTimeout } from '../../lib/timeout.js';

/** Where /status reads the broker account: the configured broker's name and its account read. */
export interface BrokerAccountSource {
  /** The broker's name as messages say it (`alpaca-paper`, `alpaca-live`). */
  name: string;
  account(): Promise<Pick<BrokerAccount, 'flags'>>;
  /** Removes secrets from an error before /status shows it (the app's scrubber). */
  scrub?: (text: string) => string;
}

/**
 * The broker account's state as /status shows it: whether it could be read,
 * and when it could, the status and flags the broker reports.
 */
export type BrokerAccountStatus =
  | {
      broker: string;
      readable: true;
      /** The broker reports no account flags (nothing to show beyond "readable"). */
      hasFlags: boolean;
      /** The account status the broker reports (Alpaca ACTIVE, ACCOUNT_UPDATED, …), null when it gave none. */
      status: string | null;
      /** The flags that stop new entries, in the broker's words; empty when trading is allowed. */
      blocking: string[];
    }
  | {
      broker: string;
      readable: false;
      /** Why not (scrubbed): a timeout, the broker down, bad keys. */
      error: string;
    };

/** Longest error text kept: /status is a phone message. */
const ERROR_CHARS = 200;

/**
 * Reads the broker account within `timeoutMs`. Never throws: /status must
 * answer when the broker is down or slow, so a failure becomes `readable: false`
 * with the reason.
 */
export async function readBrokerAccountStatus(src: BrokerAccountSource, timeoutMs: number): Promise<BrokerAccountStatus> {
  try {
    // Thunk: a source whose account() throws at once (a broker that cannot be built) lands in catch too.
    const account = await withTimeout(Promise.resolve().then(() => src.account()), timeoutMs, `${src.name} account read`);
    const flags = account.flags;
    return { broker: src.name, readable: true, hasFlags: flags !== undefined, status: flags?.status ?? null, blocking: blockingFlags(flags) };
  } catch (err) {
    const text = (src.scrub ?? ((t: string) => t))(errText(err));
    return { broker: src.name, readable: false, error: text.length > ERROR_CHARS ? `${text.slice(0, ERROR_CHARS)}…` : text };
  }
}
