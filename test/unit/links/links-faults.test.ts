// The link fault model (src/links/faults.ts) and the valve's scheduling (src/links/valve.ts), purely:
// which flows an edit touches, how a table reads back to the user, what a connection's two directions
// get, what a table read from disk may be, and when each chunk may go under delay, jitter and rate.
import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../../src/links/control-files.js';
import {
  connectionDirectionSetting,
  cut,
  describeFaults,
  faultTableProblem,
  heal,
  isolate,
  NO_FAULTS,
  PASS,
  slow,
  type FaultTable,
  type FlowSetting,
} from '../../../src/links/faults.js';
import { FRESH_SCHEDULE, planDelivery, Valve, type ValveClock } from '../../../src/links/valve.js';

const pairs = (t: FaultTable) => t.flows.map((f) => `${f.from}>${f.to}:${f.mode}`);
const setting = (s: Partial<FlowSetting>): FlowSetting => ({ ...PASS, ...s });

describe('fault edits', () => {
  it('isolate touches every flow to and from the node, and no other', () => {
    const t = isolate(NO_FAULTS, 1, 3, 'stall');
    expect(pairs(t)).toEqual(['0>1:stall', '1>0:stall', '1>2:stall', '2>1:stall']);
    expect(t.generation).toBe(1);
    expect(NO_FAULTS.flows).toEqual([]); // input untouched
  });

  it('cut is one direction only; a later edit of the same flow replaces its mode', () => {
    const t = cut(cut(NO_FAULTS, 0, 1, 'stall'), 0, 1, 'reset');
    expect(pairs(t)).toEqual(['0>1:reset']);
    expect(connectionDirectionSetting(t, 0, 1, 'up').mode).toBe('reset');
    expect(connectionDirectionSetting(t, 0, 1, 'down').mode).toBe('pass');
  });

  it('slow shapes every flow of the node and keeps each flow its mode', () => {
    const t = slow(cut(NO_FAULTS, 0, 1, 'stall'), 0, 3, { delayMs: 200, jitterMs: 50, rateBytesPerSec: 100_000 });
    expect(t.flows).toHaveLength(4);
    expect(t.flows.find((f) => f.from === 0 && f.to === 1)).toEqual({
      from: 0,
      to: 1,
      mode: 'stall',
      delayMs: 200,
      jitterMs: 50,
      rateBytesPerSec: 100_000,
    });
    expect(t.flows.find((f) => f.from === 2 && f.to === 0)?.mode).toBe('pass');
    expect(t.flows.some((f) => f.from !== 0 && f.to !== 0)).toBe(false);
  });

  it('heal clears what touches one node, or everything; a flow back to default is not listed', () => {
    const t = cut(isolate(NO_FAULTS, 0, 3, 'reset'), 1, 2, 'stall');
    expect(pairs(heal(t, 0))).toEqual(['1>2:stall']);
    expect(heal(t).flows).toEqual([]);
    expect(heal(t).generation).toBe(t.generation + 1);
    expect(
      slow(slow(NO_FAULTS, 0, 2, { delayMs: 5, jitterMs: 0, rateBytesPerSec: null }), 0, 2, {
        delayMs: 0,
        jitterMs: 0,
        rateBytesPerSec: null,
      }).flows,
    ).toEqual([]);
  });

  it('refuses nodes outside the cluster and a link from a node to itself', () => {
    expect(() => isolate(NO_FAULTS, 3, 3, 'stall')).toThrow('node 3 is not in this cluster: use 0 to 2');
    expect(() => cut(NO_FAULTS, 1, 1, 'reset')).toThrow(/node 1 to itself/);
    expect(() => slow(NO_FAULTS, 0, 2, { delayMs: -1, jitterMs: 0, rateBytesPerSec: null })).toThrow(/delay -1 ms/);
    expect(() => slow(NO_FAULTS, 0, 2, { delayMs: 0, jitterMs: 0, rateBytesPerSec: 0 })).toThrow(/rate 0/);
  });
});

describe('connectionDirectionSetting', () => {
  it('up is the dialer→target flow, down the target→dialer flow', () => {
    const t = slow(cut(NO_FAULTS, 2, 0, 'stall'), 1, 3, { delayMs: 7, jitterMs: 0, rateBytesPerSec: null });
    // Node 0 dialled node 2: its responses (2→0) travel down and are stalled.
    expect(connectionDirectionSetting(t, 0, 2, 'down').mode).toBe('stall');
    expect(connectionDirectionSetting(t, 0, 2, 'up')).toEqual(PASS);
    // Node 2 dialled node 0: its requests (2→0) travel up.
    expect(connectionDirectionSetting(t, 2, 0, 'up').mode).toBe('stall');
    expect(connectionDirectionSetting(t, 2, 1, 'down').delayMs).toBe(7);
  });
});

describe('describeFaults', () => {
  it('tells isolations and slowed nodes as the user said them, the rest per flow', () => {
    let t = isolate(NO_FAULTS, 0, 3, 'stall');
    t = cut(t, 1, 2, 'reset');
    t = slow(t, 2, 3, { delayMs: 200, jitterMs: 50, rateBytesPerSec: 100_000 });
    expect(describeFaults(t, 3)).toEqual([
      'node 0 isolated (silent)',
      '1→2 cut (refused)',
      'node 2 slowed: +200 ms ±50 ms, 100 KB/s',
    ]);
  });

  it('isolating two of three nodes tells two isolations, not a third for the node left alone', () => {
    const t = isolate(isolate(NO_FAULTS, 0, 3, 'reset'), 1, 3, 'reset');
    expect(describeFaults(t, 3)).toEqual(['node 0 isolated (refused)', 'node 1 isolated (refused)']);
  });

  it('a cut in both directions between two of three nodes is not an isolation', () => {
    const t = cut(cut(NO_FAULTS, 0, 1, 'stall'), 1, 0, 'stall');
    expect(describeFaults(t, 3)).toEqual(['0→1 cut (silent)', '1→0 cut (silent)']);
    expect(describeFaults(t, 2)).toEqual(['node 0 isolated (silent)']);
  });

  it('mixed modes around a node fall back to flows; no faults is no lines', () => {
    const t = cut(isolate(NO_FAULTS, 0, 2, 'stall'), 0, 1, 'reset');
    expect(describeFaults(t, 2)).toEqual(['0→1 cut (refused)', '1→0 cut (silent)']);
    expect(describeFaults(heal(t), 2)).toEqual([]);
    expect(describeFaults(cut(NO_FAULTS, 0, 1, 'stall'), 1)).toEqual(['0→1 cut (silent)']);
  });

  it('formats rates and shaping parts that are present only', () => {
    const one = (s: { delayMs: number; jitterMs: number; rateBytesPerSec: number | null }) =>
      describeFaults(slow(NO_FAULTS, 0, 2, s), 2);
    expect(one({ delayMs: 0, jitterMs: 0, rateBytesPerSec: 1_500_000 })).toEqual(['node 0 slowed: 1.5 MB/s']);
    expect(one({ delayMs: 0, jitterMs: 30, rateBytesPerSec: 512 })).toEqual(['node 0 slowed: ±30 ms, 512 B/s']);
  });
});

describe('faultTableProblem', () => {
  const good = JSON.parse(
    JSON.stringify(slow(isolate(NO_FAULTS, 0, 3, 'stall'), 1, 3, { delayMs: 10, jitterMs: 0, rateBytesPerSec: null })),
  );

  it('accepts what the edits write, read back as JSON', () => {
    expect(faultTableProblem(good, 3)).toBeNull();
    expect(parseFaults(JSON.stringify(good), 3)).toEqual({ kind: 'table', table: good });
    expect(parseFaults(null, 3)).toEqual({ kind: 'missing' });
  });

  it.each([
    [null, 'the fault table is null'],
    [{ generation: -1, flows: [] }, 'generation is -1'],
    [{ generation: 1 }, 'flows is missing'],
    [
      { generation: 1, flows: [{ from: 0, to: 3, mode: 'stall', delayMs: 0, jitterMs: 0, rateBytesPerSec: null }] },
      'flows[0]: to is 3: expected a node id from 0 to 2',
    ],
    [
      { generation: 1, flows: [{ from: 1, to: 1, mode: 'stall', delayMs: 0, jitterMs: 0, rateBytesPerSec: null }] },
      'two different nodes',
    ],
    [
      { generation: 1, flows: [{ from: 0, to: 1, mode: 'drop', delayMs: 0, jitterMs: 0, rateBytesPerSec: null }] },
      'mode is "drop": expected pass, stall or reset',
    ],
    [
      { generation: 1, flows: [{ from: 0, to: 1, mode: 'pass', delayMs: '5', jitterMs: 0, rateBytesPerSec: null }] },
      'delayMs is "5"',
    ],
    [
      { generation: 1, flows: [{ from: 0, to: 1, mode: 'pass', delayMs: 0, jitterMs: 0, rateBytesPerSec: 0 }] },
      'rateBytesPerSec is 0',
    ],
    [
      { generation: 1, flows: [{ from: 0, to: 1, mode: 'pass', delayMs: 0, jitterMs: 0 }] },
      'rateBytesPerSec is missing',
    ],
  ])('names what is wrong with %j', (value, expected) => {
    expect(faultTableProblem(value, 3)).toContain(expected);
  });

  it('refuses a flow listed twice, and JSON that does not parse', () => {
    const flow = good.flows[0];
    expect(faultTableProblem({ generation: 2, flows: [flow, flow] }, 3)).toMatch(/listed twice/);
    expect(parseFaults('{"generation": 1,', 3).kind).toBe('bad');
  });
});

describe('planDelivery', () => {
  const plan = (sizes: number[], times: number[], s: FlowSetting, random: () => number = () => 0) => {
    let schedule = FRESH_SCHEDULE;
    return sizes.map((size, i) => {
      const planned = planDelivery(schedule, size, times[i]!, s, random);
      schedule = planned.schedule;
      return planned.at;
    });
  };

  it('passes at once without shaping', () => {
    expect(plan([10, 10], [5, 6], PASS)).toEqual([5, 6]);
  });

  it('delays each chunk and never lets jitter reorder them', () => {
    const draws = [0.9, 0, 0.5];
    let i = 0;
    const at = plan([1, 1, 1], [0, 1, 60], setting({ delayMs: 100, jitterMs: 50 }), () => draws[i++]!);
    // The second chunk drew no jitter (101) but waits for the first (145); the third is late enough to go on its own.
    expect(at).toEqual([145, 145, 185]);
    for (let k = 1; k < at.length; k++) expect(at[k]).toBeGreaterThanOrEqual(at[k - 1]!);
  });

  it('keeps jitter within [delay, delay + jitter]', () => {
    for (const r of [0, 0.25, 0.999]) {
      const [at] = plan([1], [1000], setting({ delayMs: 20, jitterMs: 40 }), () => r);
      expect(at).toBeGreaterThanOrEqual(1020);
      expect(at).toBeLessThanOrEqual(1060);
    }
  });

  it('paces to the rate after a small burst: 100 KB read at once at 100 KB/s takes about a second', () => {
    const at = plan(Array(10).fill(10_000), Array(10).fill(0), setting({ rateBytesPerSec: 100_000 }));
    expect(at[0]).toBe(50); // 5 KB of burst, then 5 KB at 100 KB/s
    expect(at[9]).toBeCloseTo(950, 6);
    // A link rested long enough lets its burst through at once again, no more.
    const rested = plan([10_000, 5_000, 5_000], [0, 10_000, 10_000], setting({ rateBytesPerSec: 100_000 }));
    expect(rested.slice(1)).toEqual([10_000, 10_050]);
  });

  it('adds the delay after the rate', () => {
    const at = plan([10_000], [0], setting({ rateBytesPerSec: 100_000, delayMs: 200 }));
    expect(at).toEqual([250]);
  });
});

describe('Valve', () => {
  function rig() {
    let now = 0;
    const timers: Array<{ at: number; run: () => void }> = [];
    const clock: ValveClock = {
      now: () => now,
      setTimeout: (run, ms) => {
        const t = { at: now + ms, run };
        timers.push(t);
        return t;
      },
      clearTimeout: (t) => timers.splice(timers.indexOf(t as (typeof timers)[0]) >>> 0, 1),
      random: () => 0,
    };
    const out: string[] = [];
    const events: string[] = [];
    let accept = true;
    const valve = new Valve(
      {
        pause: () => events.push('pause'),
        resume: () => events.push('resume'),
        write: (c) => (out.push(c.toString()), accept),
        end: () => events.push('end'),
      },
      () => events.push('ended'),
      clock,
    );
    const advance = (ms: number) => {
      now += ms;
      for (const t of timers.filter((x) => x.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.run();
      }
    };
    return { valve, out, events, advance, full: (v: boolean) => (accept = !v) };
  }

  it('a stall pauses the source and holds what is queued; healing delivers it in order', () => {
    const { valve, out, events, advance } = rig();
    valve.set(setting({ delayMs: 10 }));
    valve.push(Buffer.from('a'));
    valve.set(setting({ mode: 'stall' }));
    expect(events).toEqual(['pause']);
    advance(100);
    expect(out).toEqual([]);
    valve.end();
    valve.set(PASS);
    expect(out).toEqual(['a']);
    expect(events).toEqual(['pause', 'end', 'ended', 'resume']);
  });

  it('a full destination pauses the source until drained', () => {
    const { valve, out, events, full } = rig();
    full(true);
    valve.push(Buffer.from('a'));
    valve.push(Buffer.from('b'));
    expect(out).toEqual(['a']);
    expect(events).toEqual(['pause']);
    full(false);
    valve.drained();
    expect(out).toEqual(['a', 'b']);
    expect(events).toEqual(['pause', 'resume']);
    expect(valve.delivered).toBe(2);
  });

  it('delivers a delayed chunk when its time comes, and pauses past 1 MiB queued', () => {
    const { valve, out, events, advance } = rig();
    valve.set(setting({ delayMs: 50 }));
    valve.push(Buffer.alloc(600 * 1024));
    expect(events).toEqual([]);
    valve.push(Buffer.alloc(600 * 1024));
    expect(events).toEqual(['pause']);
    advance(49);
    expect(out).toHaveLength(0);
    advance(1);
    expect(out).toHaveLength(2);
    expect(events).toEqual(['pause', 'resume']);
  });
});
