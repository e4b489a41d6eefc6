import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config/config.js';
import type { EnvFileReport } from '../../../src/app/config/env-file.js';
import { computePin, describeSettings, pinMaterial, storedSettings } from '../../../src/app/config/pin.js';
import { diffSettings } from '../../../src/trading/status/config-pin.js';

const KEY = Buffer.alloc(32, 7);
const BASE = { DATABASE_URL: 'postgres://app:db-pass-one@127.0.0.1:5432/courtside', SCAN_TOP_N: '5', HTTP_ADMIN_TOKEN: 'admin-token-0123456789abcdef' };

function settingsOf(env: Record<string, string>, envFile: EnvFileReport | null = null) {
  const s = loadConfig(env, envFile).settings;
  if (!s) throw new Error('loadConfig gave no settings');
  return s;
}

describe('configuration pin', () => {
  it('is stable: the same settings in any order give the same pin and material', () => {
    const a = computePin(settingsOf({ ...BASE, LOG_LEVEL: 'warn', HTTP_PORT: '9000' }), KEY);
    const b = computePin(settingsOf({ HTTP_PORT: '9000', LOG_LEVEL: 'warn', ...BASE }), KEY);
    expect(a.pin).toMatch(/^[0-9a-f]{64}$/);
    expect(b.pin).toBe(a.pin);
    const names = a.settings.map((s) => s.name);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('EXEC_MAX_DRIFT_PCT');
  });

  it('records each setting\'s source: environment, the settings file with its path, default', () => {
    const file: EnvFileReport = { path: '/srv/courtside/.env', chosenBy: 'default', found: true, applied: new Map([['SCAN_TOP_N', 3]]), overridden: [] };
    const settings = describeSettings(settingsOf({ ...BASE }, file), KEY);
    const by = new Map(settings.map((s) => [s.name, s]));
    expect(by.get('SCAN_TOP_N')!.source).toEqual({ kind: 'file', path: '/srv/courtside/.env', line: 3 });
    expect(by.get('HTTP_ADMIN_TOKEN')!.source).toEqual({ kind: 'environment' });
    expect(by.get('EXEC_MAX_DRIFT_PCT')!.source).toEqual({ kind: 'default', local: false });
    // The same value from another place is another configuration.
    const fromEnv = computePin(settingsOf({ ...BASE }), KEY).pin;
    expect(computePin(settingsOf({ ...BASE }, file), KEY).pin).not.toBe(fromEnv);
  });

  it('a changed secret changes the pin, and no secret value is in its material, digests or what is stored', () => {
    const before = computePin(settingsOf(BASE), KEY);
    const after = computePin(settingsOf({ ...BASE, HTTP_ADMIN_TOKEN: 'admin-token-CHANGED-0123456', DATABASE_URL: 'postgres://app:db-pass-two@127.0.0.1:5432/courtside' }), KEY);
    expect(after.pin).not.toBe(before.pin);
    for (const p of [before, after]) {
      const everything = `${pinMaterial(p.settings)}\n${JSON.stringify(p.settings)}\n${JSON.stringify(storedSettings(p))}`;
      for (const secret of ['admin-token-0123456789abcdef', 'admin-token-CHANGED-0123456', 'db-pass-one', 'db-pass-two']) expect(everything).not.toContain(secret);
    }
    const changes = diffSettings(storedSettings(before), storedSettings(after));
    expect(changes.map((c) => c.name)).toEqual(['DATABASE_URL', 'HTTP_ADMIN_TOKEN']);
    expect(changes.find((c) => c.name === 'HTTP_ADMIN_TOKEN')).toMatchObject({ secret: true, from: null, to: null });
    expect(changes.find((c) => c.name === 'DATABASE_URL')!.to).toBe('postgres://app:***@127.0.0.1:5432/courtside');
  });

  it('the HMAC key decides the secret part: another installation, another pin', () => {
    const a = computePin(settingsOf(BASE), KEY).pin;
    expect(computePin(settingsOf(BASE), randomBytes(32)).pin).not.toBe(a);
    // Without secrets set, the key does not matter.
    const plain = { SCAN_TOP_N: '4' };
    expect(computePin(settingsOf(plain), KEY).pin).toBe(computePin(settingsOf(plain), randomBytes(32)).pin);
  });

  it('names a changed non-secret setting with its values', () => {
    const before = storedSettings(computePin(settingsOf(BASE), KEY));
    const after = storedSettings(computePin(settingsOf({ ...BASE, SCAN_TOP_N: '7' }), KEY));
    expect(diffSettings(before, after)).toEqual([{ name: 'SCAN_TOP_N', secret: false, from: '5', to: '7', fromSource: 'environment', toSource: 'environment' }]);
  });
});
