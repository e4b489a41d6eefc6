import type { Sentence } from './sentence.js';

/** The value-at-risk gate's refusal sentences, by limit (issue 21 part 2). */
export const VAR_SENTENCES: Readonly<Record<string, Sentence>> = {};
