import type { z } from 'zod';

/** The first few schema problems as `path: message`, short enough for an error message. */
export function describeZodError(error: z.ZodError, max = 3): string {
  const parts = error.issues.slice(0, max).map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
  const more = error.issues.length - parts.length;
  return parts.join('; ') + (more > 0 ? `; and ${more} more` : '');
}
