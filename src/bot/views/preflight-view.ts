import type { PreflightLevel, PreflightReport, PreflightResult } from '../../trading/preflight/types.js';
import { wallTime } from '../../lib/durations.js';

const MARK: Record<PreflightLevel, string> = { pass: '✅', warn: '⚠️', fail: '❌' };
/** A phone shows a long message as a wall: each message stays well under Telegram's 4096 characters. */
const PHONE_MESSAGE_CHARS = 3_000;

/** One check: its mark, title and what it saw; the fix on its own line when it is not a pass. */
function block(r: PreflightResult): string {
  const head = `${MARK[r.level]} ${r.title} — ${r.saw}`;
  return r.fix ? `${head}\n   👉 ${r.fix}` : head;
}

function headline(r: PreflightReport, market: string | null): string {
  const n = (l: PreflightLevel) => r.results.filter((x) => x.level === l).length;
  const verdict = r.level === 'fail' ? '❌ Not ready' : r.level === 'warn' ? '⚠️ Ready, with warnings' : '✅ Ready';
  const entries = r.level === 'fail' ? '\nFix each ❌ below, then send /preflight again.' : '';
  return `🛫 Preflight${market ? ` (${market})` : ''}: ${verdict} — ${n('fail')} failed, ${n('warn')} warning${n('warn') === 1 ? '' : 's'}, ${n('pass')} passed in ${wallTime(r.ms)}${entries}`;
}

/**
 * /preflight for a phone: the verdict first, then the ❌ and ⚠️ checks with
 * their fixes, then the ✅ ones; split into several messages at check
 * boundaries when long (a check and its fix never straddle two messages).
 */
export function preflightMessages(r: PreflightReport, market: string | null = null): string[] {
  const order: PreflightLevel[] = ['fail', 'warn', 'pass'];
  const blocks = order.flatMap((l) => r.results.filter((x) => x.level === l).map(block));
  const messages: string[] = [];
  let current = headline(r, market);
  for (const b of blocks) {
    if (current.length + 2 + b.length > PHONE_MESSAGE_CHARS) {
      messages.push(current);
      current = b;
    } else current = `${current}\n\n${b}`;
  }
  messages.push(current);
  return messages;
}
