import type { Redis } from 'ioredis';
import type { KillSwitchMirror, KillSwitchRecord } from './port.js';

/**
 * The epoch of the stored record, or -1 when there is none or it has no
 * numeric epoch (a record from before epochs: any numbered write replaces it).
 */
const STORED_EPOCH = `
local function stored_epoch(raw)
  if not raw then return -1 end
  local ok, rec = pcall(cjson.decode, raw)
  if ok and type(rec) == 'table' and type(rec.epoch) == 'number' then return rec.epoch end
  return -1
end
`;

/** KEYS[1] record key; ARGV[1] record JSON, ARGV[2] its epoch. Stores only a strictly higher epoch. */
const OFFER = `${STORED_EPOCH}
if stored_epoch(redis.call('GET', KEYS[1])) >= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

/** KEYS[1] record key; ARGV[1] engaged record JSON without epoch, ARGV[2] floor. Returns the new epoch. */
const ENGAGE = `${STORED_EPOCH}
local e = stored_epoch(redis.call('GET', KEYS[1]))
local floor = tonumber(ARGV[2])
if floor > e then e = floor end
e = e + 1
local rec = cjson.decode(ARGV[1])
rec.engaged = true
rec.epoch = e
redis.call('SET', KEYS[1], cjson.encode(rec))
return e`;

/**
 * The kill switch mirror as one Redis string key (e.g. `<prefix>:killswitch`)
 * holding JSON `{engaged, epoch, reason, by, at}`. Writes are Lua scripts, so
 * "only a higher epoch replaces the record" holds against concurrent writers.
 */
export class RedisKillSwitchMirror implements KillSwitchMirror {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async read(): Promise<KillSwitchRecord | null> {
    const raw = await this.redis.get(this.key);
    return raw === null ? null : parseRecord(raw);
  }

  async offer(record: KillSwitchRecord & { epoch: number }): Promise<boolean> {
    return (await this.redis.eval(OFFER, 1, this.key, JSON.stringify(record), String(record.epoch))) === 1;
  }

  async engage(record: { reason: string | null; by: string | null; at: string }, floor: number): Promise<number> {
    return Number(await this.redis.eval(ENGAGE, 1, this.key, JSON.stringify(record), String(floor)));
  }
}

/**
 * A stored record. One without a numeric epoch was written before epochs
 * existed, when the key's presence meant "engaged"; text that is not JSON at
 * all is read the same way (fail closed).
 */
export function parseRecord(raw: string): KillSwitchRecord {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return { engaged: true, epoch: null, reason: raw.slice(0, 200), by: null, at: new Date(0).toISOString() };
  }
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const text = (x: unknown) => (typeof x === 'string' ? x : typeof x === 'number' ? String(x) : null);
  const numbered = typeof o['epoch'] === 'number' && Number.isInteger(o['epoch']);
  return {
    engaged: numbered ? o['engaged'] === true : true,
    epoch: numbered ? (o['epoch'] as number) : null,
    reason: text(o['reason']),
    by: text(o['by']),
    at: text(o['at']) ?? new Date(0).toISOString(),
  };
}
