/**
 * The account's trading flags as the broker reports them (Alpaca's account
 * object). Any of them true: the broker refuses new orders, so Courtside
 * sends no entry and says which flag is set.
 */
export interface AccountFlags {
  /** Alpaca `trading_blocked`: the broker blocked trading (e.g. a compliance hold). */
  tradingBlocked: boolean;
  /** Alpaca `account_blocked`: the whole account is blocked. */
  accountBlocked: boolean;
  /** Alpaca `trade_suspended_by_user`: the account owner suspended trading in the dashboard. */
  tradeSuspendedByUser: boolean;
  /** Alpaca `status` (ACTIVE, ACCOUNT_UPDATED, …), for messages. */
  status: string | null;
}

/** The names of the flags set on an account, in Alpaca's words; empty when trading is allowed. */
export function blockingFlags(f: AccountFlags | undefined): string[] {
  if (!f) return [];
  const out: string[] = [];
  if (f.accountBlocked) out.push('account_blocked');
  if (f.tradingBlocked) out.push('trading_blocked');
  if (f.tradeSuspendedByUser) out.push('trade_suspended_by_user');
  return out;
}
