/**
 * A KIS account number as KIS_ACCOUNT writes it, `12345678-01`: the 8-digit
 * comprehensive account number (CANO) and the 2-digit product code
 * (ACNT_PRDT_CD) every trading request sends separately.
 */
export interface KisAccount {
  /** 종합계좌번호: the first 8 digits. */
  cano: string;
  /** 계좌상품코드: the last 2 digits (01 for a domestic stock account). */
  productCode: string;
}

/** KIS_ACCOUNT is not `12345678-01`; the message says the expected shape (never echoes more than the shape of the value). */
export class KisAccountError extends Error {
  override readonly name = 'KisAccountError';
}

const ACCOUNT = /^(\d{8})-?(\d{2})$/;

/**
 * Parses `12345678-01` (the dash may be left out: `1234567801`). Throws
 * {@link KisAccountError} naming the expected shape otherwise.
 */
export function parseKisAccount(value: string): KisAccount {
  const m = ACCOUNT.exec(typeof value === 'string' ? value.trim() : '');
  if (!m) {
    const shape = typeof value === 'string' ? value.trim().replace(/\d/g, '9').slice(0, 20) : typeof value;
    throw new KisAccountError(
      `KIS_ACCOUNT must be the 8-digit account number, a dash and the 2-digit product code, e.g. 12345678-01 (got something shaped ${JSON.stringify(shape)})`,
    );
  }
  return { cano: m[1]!, productCode: m[2]! };
}

/** `12345678-01` again, for logs and Redis key tags. */
export function formatKisAccount(a: KisAccount): string {
  return `${a.cano}-${a.productCode}`;
}
