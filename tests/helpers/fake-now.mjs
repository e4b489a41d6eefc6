/**
 * Preloaded (`node --import`) into a CLI child to set its clock: when
 * COURTSIDE_TEST_NOW holds an ISO instant, `Date` starts there and runs on
 * with real time (timers stay real). Only for tests that need "today" to be
 * a day the machine's clock is not — e.g. the preflight's calendar check near
 * the end of the exchange calendar. Nothing in src/ reads this variable.
 */
const target = Date.parse(process.env.COURTSIDE_TEST_NOW ?? '');
if (!Number.isNaN(target)) {
  const RealDate = Date;
  const offset = target - RealDate.now();
  class TestDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = TestDate;
}
