import type { Redis } from 'ioredis';
import type { KillSwitchMirror } from './port.js';

/** The kill switch mirror as one Redis string key (e.g. `<prefix>:killswitch`). */
export class RedisKillSwitchMirror implements KillSwitchMirror {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  read(): Promise<string | null> {
    return this.redis.get(this.key);
  }

  async write(record: string): Promise<void> {
    await this.redis.set(this.key, record);
  }

  async clear(): Promise<void> {
    await this.redis.del(this.key);
  }
}
