import { parseArgs } from 'node:util';
import { loadConfig } from '../../app/config/config.js';
import { createDataSource } from '../../adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../../adapters/db/unit-of-work.js';
import { listStuck, type StuckList } from '../../trading/execution/stuck.js';
import { UsageError, type CliCommand } from '../command.js';

/** A short human listing (the JSON is the same data, whole). */
function listingText(l: StuckList): string {
  if (l.approvals.length === 0 && l.exits.length === 0) return `Nothing stuck (attempt marks older than ${l.resolveAfterMs} ms, unbooked): none.\n`;
  const lines = [
    ...l.approvals.map((a) => `approval ${a.approvalId}  ${a.symbol} ${a.side} ${a.qty} @ ${a.limitPrice}  ${a.clientOrderId}  attempted ${a.attemptedAt}  reserved ${a.reserved}`),
    ...l.exits.map((x) => `exit ${x.clientOrderId}  ${x.symbol} (${x.strategy}) ${x.exitReason} sell ${x.qty}  attempted ${x.attemptedAt}`),
  ];
  return `${lines.join('\n')}\nSettle one with /resolve <approval id> or /resolve <exit order id> in the chat (admin).\n`;
}

export const ordersCommand: CliCommand = {
  name: 'orders',
  summary: 'Orders stuck after a crash (orders stuck [--json])',
  usage: [
    'courtside orders stuck [--json]',
    '',
    'Lists every unbooked order whose send began more than EXEC_RESOLVE_AFTER_MS ago: approvals',
    'and exits the recovery pass could not settle (or has not reached yet), from Postgres — the',
    'same data as /stuck. --json prints it as one JSON object { asOf, resolveAfterMs, approvals, exits }.',
    'Exit 0 when nothing is stuck, 1 when something is.',
  ].join('\n'),
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true, allowPositionals: true });
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    if (parsed.positionals.length !== 1 || parsed.positionals[0] !== 'stuck') throw new UsageError('expected `orders stuck`');
    const config = loadConfig();
    const ds = createDataSource(config.db.url, { poolSize: 2 });
    await ds.initialize();
    try {
      const list = await listStuck({ db: new TypeOrmUnitOfWork(ds), resolveAfterMs: config.recovery.resolveAfterMs });
      io.stdout(parsed.values.json ? `${JSON.stringify(list, null, 2)}\n` : listingText(list));
      return list.approvals.length === 0 && list.exits.length === 0 ? 0 : 1;
    } finally {
      await ds.destroy();
    }
  },
};
