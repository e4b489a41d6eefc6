import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, LOCAL_BOT_TOKEN } from '../../../src/app/config/config.js';
import { parseAllowList, roleAllows } from '../../../src/lib/roles.js';

describe('config', () => {
  it('starts in local mode with embedded defaults and makes the local user an admin', () => {
    const c = loadConfig({});
    expect(c.local.enabled).toBe(true);
    expect(c.telegram.token).toBe(LOCAL_BOT_TOKEN);
    expect(c.telegram.apiRoot).toBe('http://127.0.0.1:8081');
    expect(c.telegram.allowed.get(1)).toBe('admin');
    expect(c.db.url).toBe('postgres://postgres@127.0.0.1:5432/courtside');
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
  });

  it('lists every bad variable in one error', () => {
    let err: unknown;
    try {
      loadConfig({
        TELEGRAM_BOT_TOKEN: 'not-a-token',
        TELEGRAM_ALLOWED_USER_IDS: 'abc,12:boss',
        HTTP_PORT: '99999',
        DATABASE_URL: 'mysql://x',
        TELEGRAM_WEBHOOK_URL: 'https://example.com/hook',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/TELEGRAM_BOT_TOKEN/);
    expect(problems).toMatch(/"abc"/);
    expect(problems).toMatch(/"12:boss"/);
    expect(problems).toMatch(/HTTP_PORT/);
    expect(problems).toMatch(/DATABASE_URL/);
    expect(problems).toMatch(/TELEGRAM_WEBHOOK_SECRET/);
    expect((err as ConfigError).problems.length).toBeGreaterThanOrEqual(6);
    expect((err as Error).message).toMatch(/\.env\.example/);
  });

  it('requires an allow-list when a real token is given, and never lists the token in problems', () => {
    const token = '123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQ';
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: token })).toThrow(/TELEGRAM_ALLOWED_USER_IDS/);
    const c = loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_ALLOWED_USER_IDS: '42' });
    expect(c.local.enabled).toBe(false);
    expect(c.telegram.allowed.get(42)).toBe('trader');
    expect(c.telegram.allowed.has(1)).toBe(false);
    expect(c.secrets).toContain(token);
  });

  it('parses allow-lists with roles and a bare id meaning trader', () => {
    const r = parseAllowList('111:admin, 222:viewer,333');
    expect(r.ok).toBe(true);
    if (r.ok) expect([...r.value]).toEqual([[111, 'admin'], [222, 'viewer'], [333, 'trader']]);
    expect(parseAllowList('0').ok).toBe(false);
    expect(parseAllowList('1:admin:x').ok).toBe(false);
  });

  it('orders roles viewer < trader < admin', () => {
    expect(roleAllows('admin', 'trader')).toBe(true);
    expect(roleAllows('trader', 'admin')).toBe(false);
    expect(roleAllows('viewer', 'viewer')).toBe(true);
    expect(roleAllows('viewer', 'trader')).toBe(false);
  });
});
