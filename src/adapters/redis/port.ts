/**
 * Ports for the few things use cases need from Redis (types only). The use
 * cases in src/trading import these types; src/adapters/redis implements them
 * and app wires the implementations in, so no use case touches ioredis.
 */

/**
 * The kill switch's fast mirror: one record any process can read in well
 * under a millisecond. Every method rejects when Redis does not answer (the
 * kill switch treats that as "engaged": it fails closed).
 */
export interface KillSwitchMirror {
  /** The mirrored record (JSON of reason, by, at), or null when the switch is not mirrored as engaged. */
  read(): Promise<string | null>;
  /** Mirrors the switch as engaged with this record. */
  write(record: string): Promise<void>;
  /** Clears the mirror (the switch is resumed). */
  clear(): Promise<void>;
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
