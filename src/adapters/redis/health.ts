import type { Redis } from 'ioredis';
import type { HealthProbe, LivenessMarks } from './port.js';

/** Pings a Redis connection (for /status and /readyz). */
export class RedisHealthProbe implements HealthProbe {
  constructor(private readonly redis: Redis) {}

  ping(): Promise<unknown> {
    return this.redis.ping();
  }
}

/** Heartbeat marks as expiring keys `<prefix>:heartbeat:<role>:<instance>` holding the beat's epoch ms. */
export class RedisLivenessMarks implements LivenessMarks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(role: string, instance: string): string {
    return `${this.prefix}:heartbeat:${role}:${instance}`;
  }

  async mark(role: string, instance: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.key(role, instance), String(Date.now()), 'PX', ttlMs);
  }

  async clear(role: string, instance: string): Promise<void> {
    await this.redis.del(this.key(role, instance));
  }
}
