/**
 * Transcribes exchange_calendars' XKRX answer file into
 * tests/fixtures/krx/xkrx-sessions-2000-2025.txt (sessions 2000–2025 with
 * Seoul-local open, close and lunch break).
 *
 * pip is not reachable from the development machines, so the answers come from
 * the repository itself: save a copy of `tests/resources/xkrx.csv` of
 * gerrymanoim/exchange_calendars (Apache-2.0) and run
 *
 *     npx tsx scripts/gen-xkrx-fixture.ts path/to/xkrx.csv <commit-or-version>
 *
 * The CSV has one row per session: `label,open,close,break_start,break_end`,
 * all UTC ISO instants; Seoul is UTC+09:00 throughout, so each instant is
 * shifted by nine hours and printed as `HH:MM`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const FIRST = '2000-01-01';
const LAST = '2025-12-31';
const KST_MS = 9 * 3_600_000;

/** Seoul wall time `HH:MM` of a UTC ISO instant. */
function seoulHhmm(iso: string): string {
  return new Date(Date.parse(iso) + KST_MS).toISOString().slice(11, 16);
}

/** The fixture text for the CSV content `csv` taken from exchange_calendars at `version`. */
export function renderXkrxFixture(csv: string, version: string): string {
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const out = [
    `# XKRX sessions ${FIRST.slice(0, 4)}–${LAST.slice(0, 4)} as answered by exchange_calendars`,
    `# Source: github.com/gerrymanoim/exchange_calendars, tests/resources/xkrx.csv at ${version}`,
    '# Licence of the source data: Apache License 2.0 (Copyright 2018 Quantopian, Inc. and contributors).',
    '# Transcribed by scripts/gen-xkrx-fixture.ts: UTC instants shifted to Seoul (UTC+09:00).',
    '# Format: date open close [breakStart-breakEnd], Seoul wall time.',
    '# Disagreements with DESIGN §8 / KRX notices in this range: none (2026, outside it:',
    '#   exchange_calendars keeps 2026-07-17 Constitution Day open, has no 2026-11-19 CSAT hours',
    '#   and opens 2026-12-30 at 10:00; tests/unit/engine/calendar/krx/xkrx-fixture.test.ts pins them).',
  ];
  for (const r of rows) {
    const date = (r[''] ?? '').slice(0, 10);
    if (date < FIRST || date > LAST) continue;
    const open = seoulHhmm(r.open ?? '');
    const close = seoulHhmm(r.close ?? '');
    const brk = r.break_start ? ` ${seoulHhmm(r.break_start)}-${seoulHhmm(r.break_end ?? '')}` : '';
    out.push(`${date} ${open} ${close}${brk}`);
  }
  return `${out.join('\n')}\n`;
}

const FIXTURE = fileURLToPath(new URL('../tests/fixtures/krx/xkrx-sessions-2000-2025.txt', import.meta.url));

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [csvPath, version] = process.argv.slice(2);
  if (csvPath === undefined || version === undefined) {
    throw new Error('usage: npx tsx scripts/gen-xkrx-fixture.ts path/to/xkrx.csv <commit-or-version>');
  }
  writeFileSync(FIXTURE, renderXkrxFixture(readFileSync(csvPath, 'utf8'), version));
  console.log(`wrote ${FIXTURE}`);
}
