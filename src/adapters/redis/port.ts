/**
 * Ports for the few things use cases need from Redis (types only). The use
 * cases in src/trading import these types; src/adapters/redis implements them
 * and app wires the implementations in, so no use case touches ioredis.
 */

/**
 * One store's copy of the kill switch. `epoch` is bumped by every engage and
 * every resume; between two copies the higher epoch is the newer state.
 */
export interface KillSwitchRecord {
  engaged: boolean;
  /**
   * Monotonic change counter. Null only for a record written before epochs
   * existed (`{reason, by, at}`, which meant "engaged"): the kill switch
   * counts it as newer than any numbered state it knows.
   */
  epoch: number | null;
  reason: string | null;
  /** Who changed it (Telegram user id as text), when known. */
  by: string | null;
  /** When it changed (ISO 8601). */
  at: string;
}

/**
 * The kill switch's fast mirror: one record any process can read in well
 * under a millisecond. Every method rejects when Redis does not answer (the
 * kill switch treats that as "engaged": it fails closed). Writes never move
 * the mirror back to a lower epoch.
 */
export interface KillSwitchMirror {
  /** The mirrored record, or null when the mirror is empty (a fresh or flushed Redis: state unknown, never "off"). */
  read(): Promise<KillSwitchRecord | null>;
  /**
   * Stores `record` unless the mirror already holds an equal or higher epoch
   * (atomically). True when stored.
   */
  offer(record: KillSwitchRecord & { epoch: number }): Promise<boolean>;
  /**
   * Mirrors an engage at epoch max(mirror's epoch, `floor`) + 1, atomically
   * (used when Postgres cannot number it). Returns that epoch.
   */
  engage(record: { reason: string | null; by: string | null; at: string }, floor: number): Promise<number>;
}

/** A round trip to Redis, for /status and /readyz. */
export interface HealthProbe {
  /** Resolves when Redis answers; rejects otherwise. */
  ping(): Promise<unknown>;
}

/**
 * A role instance's sign of life in Redis: a key that expires on its own
 * when the instance stops beating, so anything watching Redis sees a dead
 * process without asking Postgres.
 */
export interface LivenessMarks {
  /** Sets (or refreshes) the instance's mark, expiring after `ttlMs`. */
  mark(role: string, instance: string, ttlMs: number): Promise<void>;
  /** Removes the instance's mark (graceful shutdown). */
  clear(role: string, instance: string): Promise<void>;
}

/**
 * Job counts per queue and state (waiting, active, delayed, failed, …), as
 * /status shows them. The job producer implements it.
 */
export interface QueueDepths {
  depths(): Promise<Record<string, Record<string, number>>>;
}

/** Images kept in Redis by content hash, so notify jobs carry a key instead of bytes (any worker host can read them). */
export interface BlobStorePort {
  /** Stores the bytes; returns their key. */
  put(bytes: Buffer): Promise<string>;
  /** The bytes under `key`, or null once they expired. */
  get(key: string): Promise<Buffer | null>;
}
