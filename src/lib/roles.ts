/** What an allow-listed Telegram user may do. Each role includes the ones before it. */
export type Role = 'viewer' | 'trader' | 'admin';

export const ROLES: readonly Role[] = ['viewer', 'trader', 'admin'];

const RANK: Record<Role, number> = { viewer: 0, trader: 1, admin: 2 };

/** True when `have` is at least as strong as `need`. */
export function roleAllows(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

/**
 * Parses `111:admin,222:viewer,333` (a bare ID means trader).
 * Returns the map or a list of problems, one per bad entry.
 */
export function parseAllowList(raw: string): { ok: true; value: Map<number, Role> } | { ok: false; problems: string[] } {
  const value = new Map<number, Role>();
  const problems: string[] = [];
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [idText, roleText = 'trader', ...extra] = part.split(':').map((s) => s.trim());
    const id = Number(idText);
    if (!/^\d{1,15}$/.test(idText ?? '') || !Number.isSafeInteger(id) || id <= 0) {
      problems.push(`"${part}": the user ID must be a positive whole number (ask @userinfobot for yours)`);
      continue;
    }
    if (extra.length > 0 || !(ROLES as readonly string[]).includes(roleText)) {
      problems.push(`"${part}": role must be one of ${ROLES.join(', ')}`);
      continue;
    }
    value.set(id, roleText as Role);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}
