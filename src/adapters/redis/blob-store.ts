import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BlobStorePort } from './port.js';

/** Images in Redis keyed by content hash, so notify jobs carry a key instead of bytes; any worker host can read them. */
export class BlobStore implements BlobStorePort {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds = 24 * 3600,
  ) {}

  async put(bytes: Buffer): Promise<string> {
    const key = `${this.prefix}:blob:${createHash('sha256').update(bytes).digest('hex')}`;
    await this.redis.set(key, bytes, 'EX', this.ttlSeconds);
    return key;
  }

  async get(key: string): Promise<Buffer | null> {
    return this.redis.getBuffer(key);
  }
}
