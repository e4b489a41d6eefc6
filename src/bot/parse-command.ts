/** Longest message we treat as a command; anything longer is refused with a hint. */
export const MAX_COMMAND_CHARS = 512;

export type ParsedInput =
  | { kind: 'command'; name: string; args: string[]; argText: string }
  | { kind: 'other_bot' }
  | { kind: 'not_command' }
  | { kind: 'too_long'; length: number };

/**
 * Splits `/name@bot arg1 arg2` into a lower-cased name and argument tokens.
 * Commands addressed to another bot (group chats) are ignored.
 */
export function parseCommand(text: string | undefined, botUsername: string | undefined): ParsedInput {
  if (typeof text !== 'string') return { kind: 'not_command' };
  if (text.length > MAX_COMMAND_CHARS) return { kind: 'too_long', length: text.length };
  const m = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,64}))?(?=\s|$)([\s\S]*)$/.exec(text.trim());
  if (!m) return { kind: 'not_command' };
  const [, name, target, rest = ''] = m;
  if (target && botUsername && target.toLowerCase() !== botUsername.toLowerCase()) return { kind: 'other_bot' };
  const argText = rest.trim();
  return { kind: 'command', name: name!.toLowerCase(), args: argText ? argText.split(/\s+/) : [], argText };
}
