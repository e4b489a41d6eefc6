import type { PreflightCheck } from '../types.js';
import type { RedisProbe } from './ports.js';

/** What a restart of a Redis without persistence loses (the kill switch is rebuilt from Postgres). */
export const LOST_ON_RESTART = 'queued jobs (approvals waiting to be placed, scans, chat replies not yet sent), the shared broker rate budget, the polling lock and the kill-switch mirror (rebuilt from Postgres)';

/** Redis reachable, and whether it keeps anything across a restart. */
export function redisChecks(redis: RedisProbe, opts: { liveBroker: string | null }): PreflightCheck[] {
  return [
    {
      id: 'redis.reachable',
      title: 'Redis reachable',
      fixOnError: `Start Redis at ${redis.where} or correct REDIS_URL, then run preflight again.`,
      run: async () => {
        await redis.ping();
        return { level: 'pass', saw: `${redis.where} answered PING` };
      },
    },
    {
      id: 'redis.persistence',
      title: 'Redis persistence',
      fixOnError: `Start Redis at ${redis.where} or correct REDIS_URL, then run preflight again.`,
      run: async () => {
        let p;
        try {
          p = await redis.persistence();
        } catch (err) {
          // Managed services often refuse CONFIG: the setting cannot be read, which is not a fault by itself.
          const why = err instanceof Error ? err.message : String(err);
          return { level: 'warn', saw: `could not read the persistence settings (${why.slice(0, 120)})`, fix: 'Check in your Redis service that AOF (appendonly yes) or RDB snapshots are on.' };
        }
        const aof = p.appendonly.toLowerCase() === 'yes';
        const rdb = p.save.trim() !== '';
        if (aof || rdb) return { level: 'pass', saw: [aof ? 'AOF on (appendonly yes)' : null, rdb ? `RDB snapshots (save ${p.save.trim()})` : null].filter(Boolean).join(', ') };
        const saw = `no persistence (appendonly ${p.appendonly}, save ""): a restart loses ${LOST_ON_RESTART}`;
        if (opts.liveBroker) return { level: 'warn', saw: `${saw}; a live broker (${opts.liveBroker}) runs on it`, fix: 'Turn on AOF: `CONFIG SET appendonly yes` and `appendonly yes` in redis.conf (or your service’s persistence option).' };
        return { level: 'pass', saw: `${saw} — acceptable without a live broker` };
      },
    },
  ];
}
