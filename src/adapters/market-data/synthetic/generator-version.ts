/**
 * Version of the synthetic DEMO data generator, recorded with every stored
 * DEMO dataset (`bar_seeds.generator_version`). When the code's version is
 * newer than the stored one, the next seed regenerates the DEMO bars once and
 * says so (see `seedDefaultData`'s report).
 *
 * - 1: bars on every Monday–Friday, exchange holidays included (datasets
 *   stored before versions were recorded have no version and are v1).
 * - 2: bars only on NYSE sessions (src/engine/calendar).
 */
export const DEMO_GENERATOR_VERSION = 2;

/**
 * Version of the KR DEMO generator (the 61 Korean ETFs), recorded with the
 * stored `demo-kr` dataset like {@link DEMO_GENERATOR_VERSION} is with the US one.
 *
 * - 1: KRX sessions, whole won on the KRX ETF tick of each date, inside the
 *   KRX daily price limit (generate-kr-bars.ts).
 */
export const KR_DEMO_GENERATOR_VERSION = 1;
