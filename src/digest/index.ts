/** Morning and close digests: queries → data → phone-sized text and an equity chart. */
export * from './types.js';
export { buildCloseDigest, buildMorningDigest, DEFAULT_BENCHMARK, sessionDateOf } from './build.js';
export type { BuiltCloseDigest, BuiltMorningDigest, CloseDigestOptions, DigestDeps, MorningDigestOptions } from './build.js';
export { closeDigestChart } from './chart.js';
export { DIGEST_SEND_JOB, digestDeliveryJobId, digestSendSchema, scheduledDigestJobId } from './payloads.js';
export type { DigestSendPayload } from './payloads.js';
export { scheduledScansOn } from './scans.js';
