/**
 * `courtside patterns` through the built CLI: the family list comes from the
 * registry, and one family's signals on a CSV equal what the family's own
 * signalIndices/why give on a series this test parses itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../../src/engine/bars.js';
import { FAMILY_IDS, PATTERN_FAMILIES } from '../../../src/engine/patterns/index.js';
import { REPO_ROOT, runCli } from '../../helpers/cli.js';

const SPY_CSV = join(REPO_ROOT, 'data/ohlcv/SPY.csv');

/** The CSV read by hand (not the CLI's reader), so a reader bug cannot hide in both paths. */
function readSeriesByHand(path: string, symbol: string): BarSeries {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  expect(header).toBe('date,open,high,low,close,volume');
  const rows = lines.map((l) => l.split(','));
  const col = (i: number) => Float64Array.from(rows, (r) => Number(r[i]));
  return { symbol, dates: rows.map((r) => r[0]!), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) };
}

interface SignalsJson {
  family: string;
  params: Record<string, unknown>;
  symbol: string;
  signals: { date: string; index: number; close: number; why: Record<string, unknown> }[];
}

/** What the CLI must print for `family` with `params`, computed from the registry on the hand-read series. */
function expectedSignals(series: BarSeries, family: (typeof FAMILY_IDS)[number], params: object) {
  const f = PATTERN_FAMILIES[family];
  return Array.from(f.signalIndices(series, params), (t) => ({ date: series.dates[t]!, index: t, close: series.close[t]!, why: f.why(series, t, params) }));
}

async function signalsJson(args: string[]): Promise<SignalsJson> {
  const r = await runCli(['patterns', '--csv', SPY_CSV, ...args, '--json']);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as SignalsJson;
}

describe('courtside patterns --list', () => {
  it('--json lists every registry family with its title, summary, params and defaults', async () => {
    const r = await runCli(['patterns', '--list', '--json']);
    expect(r.code, r.err).toBe(0);
    const { families } = JSON.parse(r.out) as { families: { id: string; title: string; summary: string; paramHelp: string; defaults: object }[] };
    expect(families.map((f) => f.id)).toEqual(Object.keys(PATTERN_FAMILIES));
    for (const f of families) {
      const reg = PATTERN_FAMILIES[f.id as keyof typeof PATTERN_FAMILIES];
      expect(f).toEqual({ id: reg.id, title: reg.title, summary: reg.summary, paramHelp: reg.paramHelp, defaults: { ...reg.defaults } });
    }
  });

  it('as text names every family with its title, rule and params', async () => {
    const r = await runCli(['patterns', '--list']);
    expect(r.code, r.err).toBe(0);
    for (const f of Object.values(PATTERN_FAMILIES)) {
      expect(r.out).toContain(`${f.id} — ${f.title}`);
      expect(r.out).toContain(f.summary);
      expect(r.out).toContain(f.paramHelp);
    }
  });

  it('with --family as well is a usage error that says to run them apart', async () => {
    const r = await runCli(['patterns', '--list', '--family', FAMILY_IDS[0]!]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--list takes no --csv, --family or --param');
  });
});

describe('courtside patterns --csv FILE --family ID', () => {
  const spy = readSeriesByHand(SPY_CSV, 'SPY');

  it.each(FAMILY_IDS)('%s: every signal date, index, close and figures equal the family on the same bars', async (id) => {
    const j = await signalsJson(['--family', id]);
    const f = PATTERN_FAMILIES[id];
    expect(j.family).toBe(id);
    expect(j.symbol).toBe('SPY');
    expect(j.params).toEqual({ ...f.defaults });
    expect(j.signals).toEqual(expectedSignals(spy, id, f.defaults));
  });

  it('the bundled SPY data gives signals for most families (the comparisons above are not all empty)', () => {
    const withSignals = FAMILY_IDS.filter((id) => PATTERN_FAMILIES[id].signalIndices(spy).length > 0);
    expect(withSignals.length).toBeGreaterThan(FAMILY_IDS.length / 2);
  });

  it('--param changes the signals to those of the overridden params', async () => {
    const f = PATTERN_FAMILIES.rsi_oversold;
    const params = f.resolveParams({ maxRsi: 30 });
    const base = await signalsJson(['--family', 'rsi_oversold']);
    const loose = await signalsJson(['--family', 'rsi_oversold', '--param', 'maxRsi=30']);
    expect(loose.params).toEqual({ ...params });
    expect(loose.signals).toEqual(expectedSignals(spy, 'rsi_oversold', params));
    expect(loose.signals.length).toBeGreaterThan(base.signals.length);
  });

  it('as text prints one table row per signal, with its date, close and figures', async () => {
    const r = await runCli(['patterns', '--csv', SPY_CSV, '--family', 'rsi_oversold']);
    expect(r.code, r.err).toBe(0);
    const f = PATTERN_FAMILIES.rsi_oversold;
    const expected = expectedSignals(spy, 'rsi_oversold', f.defaults);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toContain(`${expected.length} ${f.title} signals on SPY`);
    expect(lines[1]).toMatch(/^date\s+close\s+rsi\s+maxRsi\s+sma\s+smaPeriod$/);
    const rows = lines.slice(2).map((l) => l.split(/\s+/));
    expect(rows.map((c) => [c[0], Number(c[1])])).toEqual(expected.map((s) => [s.date, Number(s.close.toFixed(2))]));
    // rsi, to 4 decimals
    expect(rows.map((c) => Number(c[2]))).toEqual(expected.map((s) => Number(((s.why as unknown as { rsi: number }).rsi).toFixed(4))));
  });

  it('an unknown parameter is exit 2 naming every valid key and the fix', async () => {
    const r = await runCli(['patterns', '--csv', SPY_CSV, '--family', 'rsi_oversold', '--param', 'bogus=1']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain("unknown parameter 'bogus'");
    for (const key of Object.keys(PATTERN_FAMILIES.rsi_oversold.defaults)) expect(r.err).toContain(key);
    expect(r.err).toContain('Fix: pass --param key=value');
  });

  it('an out-of-range value is exit 2 saying what is expected', async () => {
    const r = await runCli(['patterns', '--csv', SPY_CSV, '--family', 'rsi_oversold', '--param', 'maxRsi=500']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('maxRsi=500 is invalid (expected number in (0, 100)');
  });

  it('an unknown family is exit 2 listing every valid id', async () => {
    const r = await runCli(['patterns', '--csv', SPY_CSV, '--family', 'nope']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown pattern family 'nope'");
    for (const id of FAMILY_IDS) expect(r.err).toContain(id);
  });

  it('a missing CSV file is exit 2 naming the file, as `signals` reports it', async () => {
    const r = await runCli(['patterns', '--csv', '/nonexistent/X.csv', '--family', 'rsi_oversold']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot read /nonexistent/X.csv: no such file');
  });

  it('neither --list nor --family is exit 2 saying what to give', async () => {
    const r = await runCli(['patterns']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('give --list, or --csv FILE --family ID');
  });
});

describe('courtside help / patterns --help', () => {
  it('help lists the command and --help documents both forms with every family id', async () => {
    const help = await runCli(['help']);
    expect(help.out).toMatch(/^ {2}patterns\s+Pattern families/m);
    const r = await runCli(['patterns', '--help']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('courtside patterns --list [--json]');
    expect(r.out).toContain('courtside patterns --csv FILE --family ID [--param k=v ...] [--json]');
    for (const id of FAMILY_IDS) expect(r.out).toContain(id);
  });
});
