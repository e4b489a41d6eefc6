/**
 * Issue 17, "errors that are seen": the two fallbacks a run may go on without
 * — the digest's configuration pins and a backtest's sample CSV folder — are
 * logged at debug with the reason, not swallowed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlSession } from '../../../../src/adapters/db/port.js';
import { resolveBacktestData } from '../../../../src/trading/backtest/data.js';
import type { BacktestDataSources } from '../../../../src/trading/backtest/data-sources.js';
import { buildRequest } from '../../../../src/trading/backtest/request.js';
import { buildMorningDigest } from '../../../../src/trading/digest/build.js';
import { loadFixture } from '../../../unit/engine/fixtures.js';
import { makeDigestWorld, type DigestWorld } from '../digest/fixture.js';

/** A debug log that keeps what it heard. */
function debugLog() {
  const heard: { obj: Record<string, unknown>; msg: string }[] = [];
  return { heard, debug: (obj: object, msg: string) => void heard.push({ obj: obj as Record<string, unknown>, msg }) };
}

describe('the digest without its configuration pins', () => {
  let w: DigestWorld;
  beforeEach(async () => {
    w = await makeDigestWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  it('goes out with no config line and logs why at debug', async () => {
    const refused = new Error('relation "config_pins" does not exist');
    // The real database, except the two statements that read the pins.
    const db: SqlSession = {
      rows: (sql, params) => (/config_pin/.test(sql) ? Promise.reject(refused) : w.db.rows(sql, params)),
      exec: (sql, params) => w.db.exec(sql, params),
    };
    const log = debugLog();
    const digest = await buildMorningDigest({ db, killSwitch: w.killSwitch, log }, { now: new Date('2026-11-20T13:30:00Z'), dailyBudget: null });
    expect(digest.configPins).toEqual([]);
    expect(log.heard).toHaveLength(1);
    expect(log.heard[0]!.obj.err).toBe(refused);
    expect(log.heard[0]!.msg).toMatch(/configuration pins unreadable/);
  });
});

describe('a backtest whose sample folder cannot be read', () => {
  it('runs on the DEMO universe and logs the folder and the error at debug', async () => {
    const unreadable = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const sources: BacktestDataSources = {
      sampleDir: () => '/samples',
      csvSymbols: () => Promise.reject(unreadable),
      readCsv: async () => null,
      demoUniverse: () => [{ symbol: 'DEMO1' }],
      demoSessions: () => [],
      demoSeries: (s) => ({ ...loadFixture('RVLV'), symbol: s.symbol }),
    };
    const log = debugLog();
    const data = await resolveBacktestData(buildRequest({ strategies: ['donchian'], symbols: ['DEMO1'] }), { sources, log, demoEndDate: () => '2025-06-30' });
    expect(data.series.map((s) => s.symbol)).toEqual(['DEMO1']);
    expect(data.demo).toBe(true);
    expect(log.heard).toEqual([{ obj: { err: unreadable, dir: '/samples' }, msg: expect.stringMatching(/sample CSV folder unreadable/) }]);
  });
});
