/**
 * Typed errors of the market model. Each message says what is accepted or
 * what to do, because they reach users through commands and CSV imports.
 */

/** Why a symbol was refused. */
export type SymbolErrorCode = 'krx_five_digits' | 'not_a_symbol';

/** A string that is neither a KRX code nor a US ticker. */
export class SymbolError extends Error {
  constructor(
    message: string,
    readonly code: SymbolErrorCode,
    /** The symbol the user probably meant (e.g. the zero-padded KRX code), when there is one. */
    readonly suggestion?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A market rule this model does not implement (yet) for the given input. */
export class MarketRuleNotSupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A regulatory fee rate is not on file for the trade date. */
export class FeeRateUnknownError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A date argument that is not a `YYYY-MM-DD` calendar date. */
export class MarketDateError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
