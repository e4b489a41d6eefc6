import { Not, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { ConfigPinChangeSchema, ConfigPinSchema } from './entities.js';
import type { SettingsTables } from './port.js';

/** What `INSERT … ON CONFLICT DO NOTHING RETURNING pin` gives back: one row when it inserted, none when the key was taken. */
const ClaimedRows = z.array(z.object({ pin: z.string() }));

/** SettingsTables on a TypeORM EntityManager (the pool's, or a transaction's). */
export function settingsTables(m: EntityManager): SettingsTables {
  const pins = m.getRepository(ConfigPinSchema);
  return {
    async lastConfigPinIdOtherThan(pin) {
      // The newest such row by id: what max(id) over them is, without an aggregate.
      const row = await pins.findOne({ select: { id: true }, where: { pin: Not(pin) }, order: { id: 'DESC' } });
      return row?.id ?? null;
    },

    async lastConfigPinOf(role) {
      const row = await pins.findOne({ select: { id: true, pin: true, settings: true }, where: { role }, order: { id: 'DESC' } });
      return row ? { pin: row.pin, settings: row.settings } : null;
    },

    async insertConfigPin(start) {
      await pins.insert({ installation: start.installation, role: start.role, instance: start.instance, pin: start.pin, settings: start.settings });
    },

    async claimConfigPinChange(claim) {
      const res = await m
        .createQueryBuilder()
        .insert()
        .into(ConfigPinChangeSchema)
        .values({ pin: claim.pin, sinceId: claim.sinceId, role: claim.role, previous: claim.previous, changed: [...claim.changed] })
        .orIgnore()
        // Only the key back, and no entity refresh: an ignored insert returns no row, which is the answer.
        .updateEntity(false)
        .returning(['pin'])
        .execute();
      return ClaimedRows.parse(res.raw).length > 0;
    },
  };
}
