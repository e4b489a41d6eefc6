import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_COMMAND_CHARS, parseCommand } from '../../../src/bot/parse-command.js';

describe('parseCommand', () => {
  it('splits name and arguments, lower-casing the name', () => {
    expect(parseCommand('/Kill  market looks wrong ', 'cs_bot')).toEqual({ kind: 'command', name: 'kill', args: ['market', 'looks', 'wrong'], argText: 'market looks wrong' });
    expect(parseCommand('/status@cs_bot', 'cs_bot')).toEqual({ kind: 'command', name: 'status', args: [], argText: '' });
  });
  it('ignores commands for other bots and recognises non-commands', () => {
    expect(parseCommand('/status@other_bot', 'cs_bot')).toEqual({ kind: 'other_bot' });
    expect(parseCommand('hello', 'cs_bot')).toEqual({ kind: 'not_command' });
    expect(parseCommand('/', 'cs_bot')).toEqual({ kind: 'not_command' });
    expect(parseCommand('/ä', 'cs_bot')).toEqual({ kind: 'not_command' });
    expect(parseCommand(undefined, 'cs_bot')).toEqual({ kind: 'not_command' });
  });
  it('refuses oversize input', () => {
    expect(parseCommand('/kill ' + 'x'.repeat(MAX_COMMAND_CHARS), 'b')).toEqual({ kind: 'too_long', length: MAX_COMMAND_CHARS + 6 });
  });
  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), (s) => {
        const r = parseCommand(s, 'cs_bot');
        expect(['command', 'other_bot', 'not_command', 'too_long']).toContain(r.kind);
      }),
      { numRuns: 3000 },
    );
  });
});
