import { parseArgs } from 'node:util';
import { createDataSource } from '../../adapters/db/data-source.js';
import { tableExists } from '../../adapters/db/server-facts.js';
import { TypeOrmUnitOfWork } from '../../adapters/db/unit-of-work.js';
import { loadConfig } from '../../app/config/config.js';
import { journalLine } from '../../bot/views/journal-view.js';
import { readJournal, type JournalEntry } from '../../trading/journal/read.js';
import { UsageError, type CliCommand } from '../command.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const SYMBOL = /^[A-Za-z][A-Za-z0-9.-]{0,9}$/;
/** Rows read at most (newest first); the listing says when more exist. */
const MAX_ROWS = 5_000;

const USAGE = `courtside journal [--symbol S] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]

  The decision journal, newest first: each scan's signals (source, session, the values of the Why
  line, the sizing inputs) and each pick posted or not posted and why not (top-N cut, already shown
  or decided, no size), with the decisions the audit chain holds (approvals, refusals with the gate
  and its numbers, orders and their outcomes, exits, hypothesis transitions, kill and resume).
  --from/--to are New York dates, inclusive. --json prints { entries: [...] } with every recorded
  input and the audit seq each row links to (the same rows /journal shows in the chat).`;

/** `courtside journal`: the same rows as /journal, as text or JSON. */
export const journalCommand: CliCommand = {
  name: 'journal',
  summary: 'The decision journal (journal [--symbol S] [--from D] [--to D] [--json])',
  usage: USAGE,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({ args, options: { symbol: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } }, strict: true, allowPositionals: false });
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    const { symbol, from, to, json } = parsed.values;
    if (symbol !== undefined && !SYMBOL.test(symbol)) throw new UsageError(`--symbol must be a ticker such as XLK, got "${symbol}"`);
    for (const [name, v] of [['--from', from], ['--to', to]] as const) {
      if (v !== undefined && (!DATE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v)) {
        throw new UsageError(`${name} must be a date YYYY-MM-DD, got "${v}"`);
      }
    }
    if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
    const ds = createDataSource(loadConfig().db.url, { poolSize: 2, applicationName: 'courtside-journal' });
    await ds.initialize();
    try {
      if (!(await tableExists(ds, 'decisions'))) {
        io.stderr('The database has no decision journal yet: run `courtside migrate`.\n');
        return 1;
      }
      const page = await readJournal(new TypeOrmUnitOfWork(ds), {
        ...(symbol ? { symbol: symbol.toUpperCase() } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        limit: MAX_ROWS,
      });
      io.stdout(json ? `${JSON.stringify({ entries: page.entries, more: page.more }, null, 2)}\n` : text(page.entries, page.more));
      return 0;
    } finally {
      await ds.destroy();
    }
  },
};

function text(entries: readonly JournalEntry[], more: boolean): string {
  if (entries.length === 0) return 'No decisions recorded for that.\n';
  const lines = entries.map((e, i) => `${journalLine(e, i + 1)}  [${e.ref}${e.auditSeq !== null ? ` · audit #${e.auditSeq}` : ''}]`);
  if (more) lines.push(`… more than ${MAX_ROWS}: narrow it with --symbol, --from and --to.`);
  return `${lines.join('\n')}\n`;
}
