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
