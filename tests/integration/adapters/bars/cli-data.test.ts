import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/cli/command.js';
import { scanCommand } from '../../../../src/cli/commands/scan.js';
import { dataCliPerFile, runData as run } from './data-cli.js';

const stage = dataCliPerFile('cs-bars-cli-');

const GOOD = `date,open,high,low,close,volume
2024-01-02,10,11,9,10.5,1000
2024-01-03,10.5,11.5,10,11,1200
`;
const BAD = `date,open,high,low,close,volume
2024-01-02,10,11,9,10.5,1000
2024-13-01,10,11,9,10,100
2024-01-03,10.5,11.5,10,11,1200
2024-01-04,11,10,9,10.5,900
`;

describe('courtside data', () => {
  it('status on an empty store says how to fill it', async () => {
    const r = await run('status');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/No bars stored/);
  });

  it('import: exit 0 when every row is stored, with per-file counts', async () => {
    await writeFile(join(stage.dir, 'AAPL.csv'), GOOD);
    const r = await run('import', join(stage.dir, 'AAPL.csv'));
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${join(stage.dir, 'AAPL.csv')} → AAPL: 2 of 2 lines stored (2 new, 0 changed, 0 unchanged)`);
    expect(r.out).toMatch(/Imported 1 file: 2 bars stored/);
    const again = await run('import', join(stage.dir, 'AAPL.csv'));
    expect(again.code).toBe(0);
    expect(again.out).toContain('(0 new, 0 changed, 2 unchanged)');
  });

  it('import: exit 1 when rows are rejected, listing line numbers and quality issues; the good rows are stored', async () => {
    const folder = join(stage.dir, 'folder');
    await mkdir(folder);
    await writeFile(join(folder, 'MSFT.csv'), BAD);
    await writeFile(join(folder, 'NVDA.csv'), GOOD);
    const r = await run('import', folder);
    expect(r.code).toBe(1);
    expect(r.out).toContain('MSFT: 2 of 4 lines stored (2 new, 0 changed, 0 unchanged); 1 unreadable line, 1 bar rejected by quality checks');
    expect(r.out).toContain('  line 3: bad date "2024-13-01"; expected YYYY-MM-DD');
    expect(r.out).toMatch(/ {2}2024-01-04 ohlc_inconsistent \(rejected\): high 10 is below/);
    expect(r.out).toContain('NVDA: 2 of 2 lines stored');
    expect(r.out).toMatch(/Imported 2 files: 4 bars stored .*; 2 rejected\./);

    const json = await run('import', join(folder, 'MSFT.csv'), '--json');
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.out) as { files: { symbol: string; csvErrors: { line: number }[]; dropped: number; unchanged: number }[] };
    expect(doc.files[0]).toMatchObject({ symbol: 'MSFT', csvErrors: [{ line: 3 }], dropped: 1, unchanged: 2 });
  });

  it('import --symbol names a file that is not named after its symbol', async () => {
    await writeFile(join(stage.dir, 'download.csv'), GOOD);
    const r = await run('import', join(stage.dir, 'download.csv'), '--symbol', 'brk.b');
    expect(r.code).toBe(0);
    expect(r.out).toContain('→ BRK.B: 2 of 2 lines stored');
  });

  it('usage errors (exit 2 via main): missing path, bad options, unknown sub-command', async () => {
    await expect(run('import', join(stage.dir, 'nope.csv'))).rejects.toThrow(new UsageError(`no such file or folder: ${join(stage.dir, 'nope.csv')}`));
    await expect(run('import')).rejects.toThrow(/missing <file-or-folder>/);
    await expect(run('import', stage.dir, '--symbol', 'X')).rejects.toThrow(/single file/);
    await expect(run('import', join(stage.dir, 'AAPL.csv'), '--bogus')).rejects.toBeInstanceOf(UsageError);
    await expect(run('seed', '--end-date', '2025-13-01')).rejects.toThrow(/not a YYYY-MM-DD date/);
    await expect(run('status', 'extra')).rejects.toBeInstanceOf(UsageError);
    await expect(run('frobnicate')).rejects.toThrow(/unknown sub-command "frobnicate"/);
    await expect(run()).rejects.toThrow(/missing sub-command/);
  });

  it('status lists datasets, symbols, last bar dates and DEMO flags', async () => {
    await stage.env.store().writeBars([{ symbol: 'ZZDEMO', bars: [{ date: '2025-11-21', open: 1, high: 2, low: 1, close: 2, volume: 3 }] }], { source: 'synthetic', demo: true });
    const r = await run('status');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Bars store: 5 symbols, 9 bars \(fingerprint v1-[0-9a-f]{32}\)/);
    expect(r.out).toMatch(/csv:AAPL\.csv\s+real\s+1\s+2\s+2024-01-02\s+2024-01-03/);
    expect(r.out).toMatch(/synthetic\s+DEMO\s+1\s+1\s+2025-11-21\s+2025-11-21/);
    expect(r.out).toMatch(/ZZDEMO\s+DEMO\s+synthetic\s+1 bars\s+2025-11-21 … 2025-11-21/);

    const json = await run('status', '--json');
    const doc = JSON.parse(json.out) as { totalSymbols: number; symbols: { symbol: string; demo: boolean; lastDate: string }[] };
    expect(doc.totalSymbols).toBe(5);
    expect(doc.symbols.find((s) => s.symbol === 'ZZDEMO')).toMatchObject({ demo: true, lastDate: '2025-11-21' });
  });

  // Seeds the whole 900-symbol universe (~10–30 s on a small machine): the real first-start path.
  it(
    'seed stores the default data once, then is a no-op',
    async () => {
      const r = await run('seed', '--end-date', '2026-11-20');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/DEMO synthetic universe: 89\d symbols/);
      const again = await run('seed', '--end-date', '2026-11-20');
      expect(again.out).toMatch(/already stored/);

      // `courtside scan` on the default data: the DEMO universe is current, the real samples (ending
      // early 2026) are stale and skipped rather than traded on.
      let out = '';
      const code = await scanCommand.run(['--json'], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
      expect(code).toBe(0);
      const doc = JSON.parse(out) as { asOf: string; evaluated: number; skipped: { symbol: string; reason: string }[]; picks: { symbol: string; date: string; demo: boolean; strategy: string }[] };
      expect(doc.asOf).toBe('2026-11-20');
      expect(doc.evaluated).toBeGreaterThanOrEqual(890);
      expect(doc.skipped.filter((x) => ['SPY', 'GL', 'RVLV'].includes(x.symbol)).map((x) => x.reason)).toEqual(['stale', 'stale', 'stale']);
      expect(doc.picks.length).toBeGreaterThan(5);
      expect(new Set(doc.picks.map((p) => p.strategy))).toEqual(new Set(['donchian', 'turtle_soup']));
      for (const p of doc.picks) expect(p).toMatchObject({ date: '2026-11-20', demo: true });
    },
    180_000,
  );
});
