import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyEnvFile, EnvFileError, originOf } from '../../../src/app/config/env-file.js';
import { ConfigError, loadConfig } from '../../../src/app/config/config.js';
import { configProblemsText } from '../../../src/cli/config-problems.js';

const dir = mkdtempSync(join(tmpdir(), 'courtside-envfile-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('applyEnvFile', () => {
  writeFileSync(join(dir, '.env'), ['# comment', 'export LOG_LEVEL=debug', 'HTTP_PORT="8090"', '', 'REDIS_PREFIX=a', 'REDIS_PREFIX=b # later wins', 'TELEGRAM_BOT_TOKEN='].join('\n'));

  it('fills what the environment does not set, with the line of each value; the environment wins', () => {
    const env: NodeJS.ProcessEnv = { HTTP_PORT: '9000' };
    const r = applyEnvFile(env, dir);
    expect(r.found).toBe(true);
    expect(r.path).toBe(join(dir, '.env'));
    expect(env).toEqual({ HTTP_PORT: '9000', LOG_LEVEL: 'debug', REDIS_PREFIX: 'b', TELEGRAM_BOT_TOKEN: '' });
    expect(r.overridden).toEqual(['HTTP_PORT']);
    expect(originOf(r, 'REDIS_PREFIX')).toBe(`${join(dir, '.env')}, line 6`);
    expect(originOf(r, 'LOG_LEVEL')).toBe(`${join(dir, '.env')}, line 2`);
    expect(originOf(r, 'HTTP_PORT')).toBeNull();
  });

  it('no ./.env is fine; a COURTSIDE_ENV_FILE that does not exist is an error naming it', () => {
    const empty = mkdtempSync(join(dir, 'none-'));
    expect(applyEnvFile({}, empty).found).toBe(false);
    expect(() => applyEnvFile({ COURTSIDE_ENV_FILE: 'missing.env' }, empty)).toThrow(EnvFileError);
    expect(() => applyEnvFile({ COURTSIDE_ENV_FILE: 'missing.env' }, empty)).toThrow(join(empty, 'missing.env'));
  });

  it('a bad value from the file is reported with file and line, never its value', () => {
    writeFileSync(join(dir, 'bad.env'), 'LOG_LEVEL=loud\nHTTP_ADMIN_TOKEN=short secret\n');
    const env: NodeJS.ProcessEnv = { COURTSIDE_ENV_FILE: join(dir, 'bad.env'), REDIS_URL: 'http://x' };
    const r = applyEnvFile(env, dir);
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = configProblemsText(err as ConfigError, r);
    expect(text).toContain(`LOG_LEVEL (set in ${join(dir, 'bad.env')}, line 1)`);
    expect(text).toContain(`HTTP_ADMIN_TOKEN (set in ${join(dir, 'bad.env')}, line 2)`);
    expect(text).toMatch(/\n {2}- REDIS_URL must be redis/);
    expect(text).toContain(`in ${join(dir, 'bad.env')} or in the environment`);
    expect(text).not.toContain('short secret');
  });
});
