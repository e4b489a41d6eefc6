import { closesFromBars } from '../../trading/risk/closes-source.js';
import { loadRiskReport } from '../../trading/risk/var-report.js';
import type { JobHandler } from '../worker-runtime.js';
import type { CommandsDeps } from './commands.js';

/** Handlers of /risk (`command.risk`): the open book's one-day VaR and ES, one reply keyed `<job id>-reply`. */
export function riskHandlers(deps: CommandsDeps): { 'command.risk': JobHandler<'command.risk'> } {
  const now = deps.now ?? (() => new Date());
  return {
    'command.risk': async (p, run) => {
      const report = await loadRiskReport({ db: deps.db, closes: closesFromBars(deps.db), settings: deps.risk }, now());
      await deps.publisher.publish(p.chatId, { kind: 'risk.var', report }, run.job.id ? { key: `${run.job.id}-reply` } : {});
    },
  };
}
