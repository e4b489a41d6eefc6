import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALLOWED_EDGES,
  transition,
  type LifecycleEvent,
} from '../../../../src/engine/hypotheses/lifecycle.js';
import {
  HYPOTHESIS_STATES,
  STATE_CAPS_PER_MARKET,
  capRoom,
  type HypothesisState,
} from '../../../../src/engine/hypotheses/states.js';

/** DESIGN section 9's edges, written out here independently of the code's table. */
const DESIGN_EDGES = new Set([
  'INCUBATING>PAPER',
  'INCUBATING>RETIRED',
  'PAPER>LIVE',
  'PAPER>RETIRED',
  'LIVE>PAPER',
  'LIVE>RETIRED',
]);

const role = fc.constantFrom('admin' as const, 'viewer' as const);
const eventArb: fc.Arbitrary<LifecycleEvent> = fc.oneof(
  fc.constant({ kind: 'incubation_passed' as const }),
  fc.constant({ kind: 'incubation_failed' as const }),
  fc.record({ kind: fc.constant('promote' as const), by: role, qualifiesNow: fc.boolean() }),
  fc.constant({ kind: 'paper_retired' as const }),
  fc.constant({ kind: 'demote' as const }),
  fc.record({ kind: fc.constant('retire' as const), by: role }),
);
const stateArb = fc.constantFrom<HypothesisState>(...HYPOTHESIS_STATES);

describe('transition', () => {
  it('moves only along DESIGN edges for any sequence of events, and RETIRED absorbs', () => {
    fc.assert(
      fc.property(stateArb, fc.array(eventArb, { maxLength: 60 }), (start, events) => {
        let state = start;
        for (const e of events) {
          const r = transition(state, e);
          if (state === 'RETIRED') {
            expect(r).toMatchObject({ ok: false, reason: 'retired_is_final' });
            continue;
          }
          if (r.ok) {
            expect(DESIGN_EDGES.has(`${r.from}>${r.to}`)).toBe(true);
            expect(r.from).toBe(state);
            state = r.to;
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('promotes only by an admin, only a PAPER one that qualifies now', () => {
    expect(transition('PAPER', { kind: 'promote', by: 'admin', qualifiesNow: true })).toMatchObject({
      ok: true,
      to: 'LIVE',
    });
    expect(transition('PAPER', { kind: 'promote', by: 'viewer', qualifiesNow: true })).toMatchObject({
      ok: false,
      reason: 'not_admin',
    });
    expect(transition('PAPER', { kind: 'promote', by: 'admin', qualifiesNow: false })).toMatchObject({
      ok: false,
      reason: 'not_qualifying',
    });
    for (const from of ['INCUBATING', 'LIVE'] as const) {
      expect(transition(from, { kind: 'promote', by: 'admin', qualifiesNow: true })).toMatchObject({
        ok: false,
        reason: 'no_such_edge',
      });
    }
  });

  it('takes each DESIGN edge with its event', () => {
    const cases: Array<[HypothesisState, LifecycleEvent, HypothesisState]> = [
      ['INCUBATING', { kind: 'incubation_passed' }, 'PAPER'],
      ['INCUBATING', { kind: 'incubation_failed' }, 'RETIRED'],
      ['INCUBATING', { kind: 'retire', by: 'admin' }, 'RETIRED'],
      ['PAPER', { kind: 'paper_retired' }, 'RETIRED'],
      ['PAPER', { kind: 'retire', by: 'admin' }, 'RETIRED'],
      ['LIVE', { kind: 'demote' }, 'PAPER'],
      ['LIVE', { kind: 'retire', by: 'admin' }, 'RETIRED'],
    ];
    for (const [from, e, to] of cases) expect(transition(from, e)).toEqual({ ok: true, from, to, event: e });
  });

  it('refuses the events that have no edge from a state, and a viewer’s retire', () => {
    expect(transition('PAPER', { kind: 'demote' })).toMatchObject({ ok: false, reason: 'no_such_edge' });
    expect(transition('LIVE', { kind: 'paper_retired' })).toMatchObject({ ok: false, reason: 'no_such_edge' });
    expect(transition('PAPER', { kind: 'incubation_passed' })).toMatchObject({ ok: false, reason: 'no_such_edge' });
    expect(transition('LIVE', { kind: 'retire', by: 'viewer' })).toMatchObject({ ok: false, reason: 'not_admin' });
  });

  it('lists exactly the DESIGN edges', () => {
    expect(new Set(ALLOWED_EDGES.map(([a, b]) => `${a}>${b}`))).toEqual(DESIGN_EDGES);
  });
});

describe('caps per market', () => {
  it('are 50 INCUBATING, 10 PAPER, 3 LIVE', () => {
    expect(STATE_CAPS_PER_MARKET).toEqual({ INCUBATING: 50, PAPER: 10, LIVE: 3 });
  });

  it('capRoom counts down to 0 and never below', () => {
    expect(capRoom('LIVE', 0)).toBe(3);
    expect(capRoom('LIVE', 2)).toBe(1);
    expect(capRoom('LIVE', 3)).toBe(0);
    expect(capRoom('PAPER', 12)).toBe(0);
    expect(capRoom('INCUBATING', 49)).toBe(1);
  });
});
