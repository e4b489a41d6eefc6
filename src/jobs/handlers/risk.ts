import type { JobHandler } from '../worker-runtime.js';
import type { CommandsDeps } from './commands.js';

/** Handlers of /risk (`command.risk`). SCAFFOLD: filled in by the value-at-risk work. */
export function riskHandlers(_deps: CommandsDeps): { 'command.risk': JobHandler<'command.risk'> } {
  return {
    'command.risk': async () => {
      throw new Error('command.risk is not built yet');
    },
  };
}
