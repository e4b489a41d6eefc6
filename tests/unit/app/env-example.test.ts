import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../../src/app/config/env-schema.js';
import { loadConfig } from '../../../src/app/config/config.js';

describe('.env.example', () => {
  const text = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
  const documented = [...text.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);

  it('documents every variable the config reads, and nothing else', () => {
    const keys = Object.keys(envSchema.shape).sort();
    expect([...documented].sort()).toEqual(keys);
  });

  it('is itself a valid configuration (local mode)', () => {
    const env = Object.fromEntries([...text.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect(loadConfig(env).local.enabled).toBe(true);
  });
});
