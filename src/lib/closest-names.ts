import { distance } from 'fastest-levenshtein';

/**
 * The known names closest to `input` (case-insensitive edit distance), best first, for
 * "unknown symbol XLKK — did you mean XLK, XLE?" answers. Names further than half the
 * input's length away are not suggested: a suggestion that shares nothing helps no one.
 */
export function closestNames(input: string, known: Iterable<string>, limit = 3): string[] {
  const wanted = input.trim().toUpperCase();
  const maxDistance = Math.max(1, Math.ceil(wanted.length / 2));
  const scored: { name: string; d: number }[] = [];
  for (const name of new Set(known)) {
    const d = distance(wanted, name.toUpperCase());
    if (d <= maxDistance) scored.push({ name, d });
  }
  scored.sort((a, b) => a.d - b.d || a.name.localeCompare(b.name));
  return scored.slice(0, limit).map((s) => s.name);
}
