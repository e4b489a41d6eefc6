import { AuditLog } from '../../trading/audit/audit-log.js';
import { loadConfig } from '../../app/config/config.js';
import { createDataSource } from '../../adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../../adapters/db/unit-of-work.js';
import { UsageError, type CliCommand } from '../command.js';

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'Verify the audit hash chain (audit verify)',
  usage: 'courtside audit verify',
  async run(args, io) {
    if (args[0] !== 'verify' || args.length > 1) throw new UsageError('expected `audit verify`');
    const ds = createDataSource(loadConfig().db.url, { poolSize: 2 });
    await ds.initialize();
    try {
      const v = await new AuditLog(new TypeOrmUnitOfWork(ds)).verify();
      if (v.ok) {
        io.stdout(`OK: ${v.rows} rows, chain intact (head ${v.head.slice(0, 16)}…)\n`);
        return 0;
      }
      io.stdout(`BROKEN at seq ${v.brokenAt}: ${v.problem}. ${v.rows - 1} rows before it verify.\n`);
      return 1;
    } finally {
      await ds.destroy();
    }
  },
};
