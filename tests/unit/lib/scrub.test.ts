import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/lib/logging/logger.js';
import { makeScrubber } from '../../../src/lib/logging/scrub.js';

const token = '987654321:AAHsecretSECRETsecretSECRET_abc-123';

describe('secret scrubbing', () => {
  it('removes known secrets, URL-encoded forms and token-shaped strings', () => {
    const scrub = makeScrubber(['p@ss/word!']);
    expect(scrub(`https://api.telegram.org/bot${token}/getUpdates failed`)).toBe('https://api.telegram.org/bot[REDACTED]/getUpdates failed');
    expect(scrub('db password p@ss/word! and p%40ss%2Fword!')).toBe('db password [REDACTED] and [REDACTED]');
  });

  it('keeps secrets out of every log line, including error messages and stacks', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger({ level: 'info', secrets: [token, 'hunter22'], destination: sink });
    const err = new Error(`request to https://api.telegram.org/bot${token}/sendMessage failed, reason: ECONNREFUSED`);
    log.error({ err, token, config: { password: 'hunter22' }, url: `https://x/bot${token}` }, `boom ${token}`);
    log.info({ headers: { authorization: 'Bearer hunter22' } }, 'request');
    await new Promise((r) => setImmediate(r));
    const out = lines.join('');
    expect(out).toContain('[REDACTED]');
    expect(out).not.toContain(token);
    expect(out).not.toContain('hunter22');
    expect(out).not.toContain('AAHsecret');
  });
});
