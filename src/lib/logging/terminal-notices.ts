/** A log entry as pino writes it (the fields the terminal reads). */
interface LogEntry {
  level?: number;
  msg?: string;
  err?: { message?: string };
  /** Set on warnings the user must act on (e.g. "run `courtside data seed`"): shown in the chat. */
  userAction?: boolean;
}

/** pino's numeric levels. */
const WARN = 40;
const ERROR = 50;
/** The same line is shown at most once this often (an outage can log the same warning every second). */
const REPEAT_AFTER_MS = 60_000;

/**
 * Warnings the user must act on, shown as one chat-style line while the logs
 * themselves go to a file: errors, and warnings logged with `userAction: true`.
 * Lines go to `fallback` (stderr) until the terminal chat attaches its printer
 * (which keeps them clear of the prompt).
 */
export class TerminalNotices {
  private print: ((line: string) => void) | null = null;
  private shown = new Map<string, number>();

  constructor(
    private readonly fallback: (line: string) => void = (line) => void process.stderr.write(`${line}\n`),
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Lines go to `print` from now on. */
  attach(print: (line: string) => void): void {
    this.print = print;
  }

  /** Back to the fallback (the chat closed). */
  detach(): void {
    this.print = null;
  }

  /** Takes one serialized log line; shows it if the user must see it. */
  offer(jsonLine: string): void {
    let entry: LogEntry;
    try {
      entry = JSON.parse(jsonLine) as LogEntry;
    } catch {
      return;
    }
    const line = noticeLine(entry);
    if (line) this.show(line);
  }

  /** How many lines are remembered for de-duplication (only those of the last minute). */
  get remembered(): number {
    return this.shown.size;
  }

  /** Shows one line (de-duplicated within a minute). */
  show(line: string): void {
    const at = this.now();
    const last = this.shown.get(line);
    if (last !== undefined && at - last < REPEAT_AFTER_MS) return;
    // Forget lines older than the window, so a long session does not keep every line it ever showed.
    for (const [l, t] of this.shown) if (at - t >= REPEAT_AFTER_MS) this.shown.delete(l);
    this.shown.set(line, at);
    (this.print ?? this.fallback)(line);
  }
}

/** The chat line for a log entry, or null when it stays in the file only. */
export function noticeLine(entry: LogEntry): string | null {
  const level = entry.level ?? 0;
  if (level < WARN || (level < ERROR && entry.userAction !== true)) return null;
  const msg = (entry.msg ?? '').split('\n')[0]!.trim();
  const why = entry.err?.message?.split('\n')[0]?.trim();
  const text = `${msg}${why ? ` (${why})` : ''}`;
  if (!text) return null;
  return `⚠️  ${text.length > 300 ? `${text.slice(0, 299)}…` : text}`;
}
