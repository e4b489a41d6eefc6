import type { JobHandler } from '../worker-runtime.js';
import type { CommandsDeps } from './commands.js';

/** Handler of the weekly review (`review.weekly`). SCAFFOLD: filled in by the weekly-review work. */
export function reviewHandlers(_deps: CommandsDeps): { 'review.weekly': JobHandler<'review.weekly'> } {
  return {
    'review.weekly': async () => {
      throw new Error('review.weekly is not built yet');
    },
  };
}
