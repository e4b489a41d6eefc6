import { describe, expect, it } from 'vitest';
import { loadConfig, secretValues } from '../../../src/app/config/config.js';

describe('secretValues: what no log line or error may show', () => {
  it('whole secrets and URL passwords (decoded), from raw settings; short or absent values are left out', () => {
    const env = {
      TELEGRAM_BOT_TOKEN: '123456:AAAbbbCCC',
      HTTP_ADMIN_TOKEN: 'adm1n-token',
      APCA_API_SECRET_KEY: 'abc', // too short to scrub safely
      DATABASE_URL: 'postgres://app:p%40ss-word@db:5432/courtside',
      REDIS_URL: 'redis://:r3dis-pw@cache:6379',
      MIGRATION_DATABASE_URL: 'not a url',
      LOG_LEVEL: 'info',
    };
    expect(secretValues(env).sort()).toEqual(['123456:AAAbbbCCC', 'adm1n-token', 'p@ss-word', 'r3dis-pw'].sort());
  });

  it('the loaded configuration scrubs the same values', () => {
    const env = { DATABASE_URL: 'postgres://app:p%40ss-word@127.0.0.1:5432/courtside', REDIS_URL: 'redis://:r3dis-pw@127.0.0.1:6379', HTTP_ADMIN_TOKEN: 'adm1n-token-0123456789' };
    const config = loadConfig(env);
    for (const s of secretValues(env)) expect(config.secrets).toContain(s);
  });
});
