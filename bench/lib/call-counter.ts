import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * Counts Redis commands and Postgres queries issued by this process, by patching the
 * client prototypes (bench-only instrumentation; src is untouched). Every connection of the
 * in-process app — producers, BullMQ workers, TypeORM's pool — goes through these two methods.
 */
export class CallCounter {
  private static installed = false;
  private static active: CallCounter | null = null;

  readonly redis = new Map<string, number>();
  pgQueries = 0;

  static install(): void {
    if (CallCounter.installed) return;
    CallCounter.installed = true;
    const proto = Redis.prototype as unknown as { sendCommand(this: Redis, command: { name: string }, ...rest: unknown[]): unknown };
    const send = proto.sendCommand;
    proto.sendCommand = function (this: Redis, command, ...rest) {
      const c = CallCounter.active;
      if (c && command && !(command as { isTraced?: boolean }).isTraced) c.redis.set(command.name, (c.redis.get(command.name) ?? 0) + 1);
      return send.call(this, command, ...rest);
    };
    const pgProto = pg.Client.prototype as unknown as { query(...args: unknown[]): unknown };
    const query = pgProto.query;
    pgProto.query = function (this: pg.Client, ...args: unknown[]) {
      if (CallCounter.active) CallCounter.active.pgQueries++;
      return query.apply(this, args);
    };
  }

  /** Starts counting into a fresh counter (one at a time). */
  static start(): CallCounter {
    CallCounter.install();
    const c = new CallCounter();
    CallCounter.active = c;
    return c;
  }

  stop(): this {
    if (CallCounter.active === this) CallCounter.active = null;
    return this;
  }

  get redisTotal(): number {
    let n = 0;
    for (const v of this.redis.values()) n += v;
    return n;
  }

  /** "evalsha 6.0, set 2.0, …" per unit (e.g. per command round trip). */
  topRedis(per: number, count = 6): string {
    return [...this.redis.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, n]) => `${name} ${(n / per).toFixed(1)}`)
      .join(', ');
  }
}
