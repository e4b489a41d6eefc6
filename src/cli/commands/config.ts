import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../../app/config/config.js';
import { computePin, describeSettings, shortPin, sourceLabel, type PinnedSetting } from '../../app/config/pin.js';
import { createDataSource } from '../../adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../../adapters/db/unit-of-work.js';
import { readHeartbeats } from '../../trading/status/heartbeat.js';
import { readPinKey } from '../../trading/status/config-pin.js';
import { withTimeout } from '../../lib/timeout.js';
import { makeScrubber } from '../../lib/logging/scrub.js';
import { pgText } from '../../lib/sql-columns.js';
import { parseRows } from '../../lib/sql-rows.js';
import { UsageError, type CliCommand } from '../command.js';

/** Said with every listing: a running Courtside never re-reads its settings. */
const NO_HOT_RELOAD = 'Settings are read once at start-up; a change applies only when each role restarts (no hot reload).';
/** How much of a secret's HMAC is shown: enough to tell two values apart, never the value. */
const HMAC_SHOWN = 8;
const DB_WAIT_MS = 3_000;

const InstallationRow = z.object({ id: pgText });

/** What Postgres adds to the listing: the installation's HMAC key (for secrets and the pin) and the running roles' pins. */
interface FromDb {
  key: Buffer | null;
  installation: string | null;
  running: { role: string; pin: string | null }[];
  problem: string | null;
}

async function readDb(url: string, staleMs: number, scrub: (s: string) => string): Promise<FromDb> {
  const ds = createDataSource(url, { poolSize: 1, applicationName: 'courtside-config' });
  try {
    await withTimeout(ds.initialize(), DB_WAIT_MS, 'connecting to Postgres');
    const db = new TypeOrmUnitOfWork(ds);
    // Each read is optional to the listing: one that fails is named in `problem` instead of stopping it.
    const failed: string[] = [];
    const missing = (what: string) => (err: unknown) => {
      failed.push(`${what} not read (${scrub(err instanceof Error ? err.message : String(err))})`);
      return null;
    };
    const key = await readPinKey(db).catch(missing('the HMAC key'));
    const instQuery = ds.createQueryBuilder().select('i.id', 'id').from('installation', 'i').limit(1);
    const inst = await instQuery.getRawMany().then((rows) => parseRows(InstallationRow, rows, instQuery.getQuery()), missing('the installation id'));
    const beats = (await readHeartbeats(db, staleMs).catch(missing('the running roles'))) ?? [];
    const running = beats.filter((b) => !b.stale).map((b) => ({ role: b.role, pin: b.pin }));
    const problem = key ? (failed.length > 0 ? failed.join('; ') : null) : 'the HMAC key is missing: run `courtside migrate`';
    return { key, installation: inst?.[0]?.id ?? null, running, problem };
  } catch (err) {
    return { key: null, installation: null, running: [], problem: `Postgres not reachable (${scrub(err instanceof Error ? err.message : String(err))})` };
  } finally {
    if (ds.isInitialized) {
      // The listing is complete; a pool that fails to close is gone with this short-lived command.
      await ds.destroy().catch((err: unknown) => process.stderr.write(`courtside config: closing the database pool failed (${scrub(String(err))})\n`));
    }
  }
}

/** A setting's value as shown: never a secret's; a secret as "set (hmac 1a2b3c4d…)". */
function valueText(s: PinnedSetting): string {
  if (!s.set) return 'unset';
  const mac = s.hmac ? `hmac ${s.hmac.slice(0, HMAC_SHOWN)}…` : 'hmac unavailable';
  if (s.secrecy === 'whole') return `set (${mac})`;
  if (s.secrecy === 'password' && s.shown?.includes(':***@')) return `${s.shown} (password ${mac})`;
  return s.shown ?? '';
}

export const configCommand: CliCommand = {
  name: 'config',
  summary: 'The effective configuration with its sources, secrets redacted (config show [--json])',
  usage: [
    'courtside config show [--json]',
    '',
    'Every setting this environment (and the settings file) gives Courtside, where each came from',
    '(environment, the settings file and its line, default), and the configuration pin a start with',
    'it would record. Secret values are never printed: a secret shows as "set (hmac 1a2b3c4d…)",',
    "an HMAC under this installation's key (in Postgres). " + NO_HOT_RELOAD,
  ].join('\n'),
  async run(args, io, ctx) {
    let parsed;
    try {
      parsed = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true, allowPositionals: true });
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    if (parsed.positionals.length !== 1 || parsed.positionals[0] !== 'show') throw new UsageError('expected `config show`');
    const config = loadConfig(process.env, ctx?.envFile);
    const settings = config.settings!;
    const scrub = makeScrubber(config.secrets);
    const db = await readDb(config.db.url, config.heartbeat.staleMs, scrub);
    const entries = describeSettings(settings, db.key);
    const pin = db.key ? computePin(settings, db.key).pin : null;
    const running = db.running.map((r) => ({ ...r, matches: pin !== null && r.pin === pin }));
    const file = settings.envFile;
    if (parsed.values.json) {
      const out = {
        pin,
        pinShort: pin ? shortPin(pin) : null,
        installation: db.installation,
        settingsFile: file ? { path: file.path, found: file.found } : null,
        hotReload: false,
        note: NO_HOT_RELOAD,
        problem: db.problem,
        running,
        settings: entries.map((s) => ({
          name: s.name,
          set: s.set,
          secret: s.secrecy !== 'none',
          value: s.secrecy === 'whole' ? null : s.shown,
          hmac: s.hmac ? s.hmac.slice(0, HMAC_SHOWN) : null,
          source: s.source,
          sourceLabel: sourceLabel(s.source),
        })),
      };
      io.stdout(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    }
    const width = Math.max(...entries.map((e) => e.name.length));
    const lines = [
      `Configuration pin: ${pin ? shortPin(pin) : `unavailable — ${db.problem}`}${db.installation ? ` (installation ${db.installation})` : ''}`,
      `Settings file: ${file?.found ? file.path : 'none read'}`,
      NO_HOT_RELOAD,
      ...(running.length > 0 ? [`Running: ${running.map((r) => `${r.role} ${r.pin ? shortPin(r.pin) : 'no pin'}${r.matches ? '' : ' (differs: restart it to apply these settings)'}`).join(', ')}`] : []),
      '',
      ...entries.map((e) => `${e.name.padEnd(width)}  ${valueText(e)}  [${sourceLabel(e.source)}]`),
    ];
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};
