/** Morning and close digests: queries → data → phone-sized text and an equity chart. */
export * from './types.js';
export { buildCloseDigest, buildMorningDigest, DEFAULT_BENCHMARK, sessionDateOf } from './build.js';
export type { BuiltCloseDigest, BuiltMorningDigest, CloseDigestOptions, DigestDeps, MorningDigestOptions } from './build.js';
export { closeDigestChart } from '../../bot/charts/digest-chart.js';
export { DIGEST_SEND_JOB, digestDeliveryJobId, digestSendSchema, scheduledDigestJobId } from '../../jobs/payloads/digest.js';
export type { DigestSendPayload } from '../../jobs/payloads/digest.js';
export { scheduledScansOn } from './scans.js';
