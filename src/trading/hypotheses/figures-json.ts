/**
 * JSON text for figures that may hold ±Infinity (a profit factor with no
 * losses): such values become the strings "Infinity"/"-Infinity" instead of
 * JSON's silent null, and {@link reviveFigures} turns them back.
 */
export function figuresJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v));
}

/** The inverse of {@link figuresJson} on an already-parsed value (jsonb arrives parsed). */
export function reviveFigures<T>(value: T): T {
  if (value === 'Infinity') return Infinity as T;
  if (value === '-Infinity') return -Infinity as T;
  if (Array.isArray(value)) return value.map((v) => reviveFigures(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reviveFigures(v)])) as T;
  }
  return value;
}
