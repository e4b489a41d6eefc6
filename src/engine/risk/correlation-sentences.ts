import type { Sentence } from './sentence.js';

/** The correlation gate's refusal sentences, by limit (issue 21 part 1). */
export const CORRELATION_SENTENCES: Readonly<Record<string, Sentence>> = {};
