import type { Redis } from 'ioredis';
import { ignoredBecause, type DebugLog } from '../jobs/ignore.js';

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 1 end
return 0
`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Only one bot instance may long-poll getUpdates (two would fight with 409
 * Conflict). The holder renews a Redis key; if Redis is unreachable the holder
 * keeps polling (nobody else can take the lock either), and re-takes the key
 * when Redis returns empty after a restart.
 */
export class PollingLock {
  private timer: NodeJS.Timeout | undefined;
  private held = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly owner: string,
    private readonly ttlMs = 30_000,
    private readonly log?: DebugLog,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** One attempt: true if we hold the lock afterwards. Throws if Redis is unreachable. */
  async tryAcquire(): Promise<boolean> {
    const r = await this.redis.eval(RENEW, 1, this.key, this.owner, String(this.ttlMs));
    this.held = Number(r) === 1;
    return this.held;
  }

  /**
   * Keeps trying to acquire (standby) and renewing (holder). Calls `onAcquired`
   * when we become the poller and `onLost` if another instance took over.
   */
  run(onAcquired: () => void, onLost: () => void, everyMs = Math.floor(this.ttlMs / 3)): void {
    const tick = async () => {
      const wasHeld = this.held;
      try {
        const now = await this.tryAcquire();
        if (now && !wasHeld) onAcquired();
        if (!now && wasHeld) onLost();
      } catch (err) {
        // Redis down: keep whatever we had (nobody else can take the lock either).
        ignoredBecause(this.log, 'polling lock not renewed (Redis unreachable); keeping whatever we had')(err);
      }
    };
    void tick();
    this.timer = setInterval(() => void tick(), everyMs);
    this.timer.unref();
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.held) await this.redis.eval(RELEASE, 1, this.key, this.owner).catch(ignoredBecause(this.log, 'polling lock not released; it expires within its TTL and a standby takes over then'));
    this.held = false;
  }
}
