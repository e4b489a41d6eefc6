/** `courtside <command> --help` for every command: the usage once, never "Usage: Usage:". */
import { describe, expect, it } from 'vitest';
import { CLI_COMMANDS } from '../../../src/cli/commands/index.js';
import { runCli } from '../../helpers/cli.js';

describe('courtside <command> --help', () => {
  it.each(CLI_COMMANDS.map((c) => c.name))('%s --help prints its usage once', async (name) => {
    const r = await runCli([name, '--help']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toMatch(/Usage:\s*Usage:/);
    expect(r.out.match(/^Usage: courtside /gm)).toHaveLength(1);
    expect(r.out).toContain(`courtside ${name}`);
  });

  it('a usage error prints the usage once too', async () => {
    const r = await runCli(['calendar', '--year', 'soon']);
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(/Usage:\s*Usage:/);
    expect(r.err.match(/^Usage: courtside calendar/gm)).toHaveLength(1);
  });
});
