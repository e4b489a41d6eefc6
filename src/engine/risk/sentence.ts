/** One refusal sentence: the numbers it needs, and the words built from them. */
export interface Sentence {
  needs: readonly string[];
  say(n: Record<string, number>): string;
}

/** Types `say` by the keys it needs; `describeRefusal` checks they are there before calling it. */
export function sentence<K extends string>(needs: readonly K[], say: (n: Record<K, number>) => string): Sentence {
  return { needs, say: say as (n: Record<string, number>) => string };
}
