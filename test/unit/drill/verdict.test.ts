// The drill's checker and figures, on records made up by hand: it must be able to say "lost" (a checker
// that cannot fail proves nothing), resolve unknown outcomes, and time what a client saw.
import { describe, expect, it } from 'vitest';
import { leaderChanges, newLeaders, detectionMs } from '../../../src/drill/leaders.js';
import type { CheckFindings, DrillRecord, LeaderSample, RequestRecord } from '../../../src/drill/record.js';
import { nodeStrips, squeeze } from '../../../src/drill/strips.js';
import {
  drillChecks,
  errorsByKind,
  latencyByPhase,
  percentile,
  unavailability,
  verdictOf,
} from '../../../src/drill/verdict.js';

const ok = (node: number, sentMs: number, seq: number, key: string, ms = 20): RequestRecord => ({
  op: 'create',
  node,
  sentMs,
  doneMs: sentMs + ms,
  outcome: { kind: 'ok', status: 200 },
  seq,
  key,
});
const timeout = (node: number, sentMs: number, seq: number): RequestRecord => ({
  op: 'create',
  node,
  sentMs,
  doneMs: sentMs + 2000,
  outcome: { kind: 'timeout' },
  seq,
});
const failure = (node: number, sentMs: number, status: number | null, message: string): RequestRecord => ({
  op: 'create',
  node,
  sentMs,
  doneMs: sentMs + 5,
  outcome: { kind: 'error', status, message },
});
const record = (requests: RequestRecord[], samples: LeaderSample[] = []): DrillRecord => ({
  nodes: 3,
  partitions: 3,
  requests,
  samples,
  events: [],
});
const everywhere = (keys: string[], completed = true): CheckFindings => ({
  reads: keys.flatMap((key) => [0, 1, 2].map((node) => ({ key, node, found: true, completed }))),
  foundKeys: keys,
  deploymentsMissingOn: [],
});
const whole = { convergence: 'whole', displaced: [], recovering: [], leaderless: [] } as const;

describe('the drill checker', () => {
  it('finds nothing lost when every acknowledged key is read back', () => {
    const checks = drillChecks(record([ok(0, 0, 0, '10'), ok(1, 100, 1, '11')]), everywhere(['10', '11']), true);
    expect(checks).toMatchObject({ acknowledgedLost: 0, lostKeys: [], duplicateKeys: [], jobsNotCompleted: 0 });
    expect(verdictOf(whole, checks)).toEqual({ ok: true, verdict: 'whole', exitCode: 0 });
  });

  it('reports an acknowledged key no node knows as lost, and the verdict says so with exit 4', () => {
    const checks = drillChecks(record([ok(0, 0, 0, '10'), ok(1, 100, 1, '11')]), everywhere(['10']), true);
    expect(checks.acknowledgedLost).toBe(1);
    expect(checks.lostKeys).toEqual(['11']);
    expect(verdictOf(whole, checks)).toEqual({ ok: false, verdict: 'lost', exitCode: 4 });
  });

  it('reports a key handed out for two creates as a duplicate', () => {
    const checks = drillChecks(record([ok(0, 0, 0, '10'), ok(1, 100, 1, '10')]), everywhere(['10']), true);
    expect(checks.duplicateKeys).toEqual(['10']);
    expect(verdictOf(whole, checks).exitCode).toBe(4);
  });

  it('counts unreadable-through-a-node apart from lost, and jobs never completed', () => {
    const findings: CheckFindings = {
      reads: [
        { key: '10', node: 0, found: true, completed: false },
        { key: '10', node: 1, found: false, completed: null },
        { key: '10', node: 2, found: false, completed: null },
      ],
      foundKeys: [],
      deploymentsMissingOn: [2],
    };
    const checks = drillChecks(record([ok(0, 0, 0, '10')]), findings, true);
    expect(checks).toMatchObject({
      acknowledgedLost: 0,
      unreadable: [
        { node: 1, count: 1 },
        { node: 2, count: 1 },
      ],
      jobsNotCompleted: 1,
      deploymentsMissingOn: [2],
    });
  });

  it('resolves unknown outcomes by the instances found that nobody acknowledged', () => {
    const requests = [ok(0, 0, 0, '10'), timeout(1, 100, 1), timeout(2, 200, 2)];
    const checks = drillChecks(record(requests), everywhere(['10', '12']), false);
    expect(checks).toMatchObject({ unknownPresent: 1, unknownAbsent: 1, acknowledgedLost: 0 });
  });

  it('says "not converged" (exit 5) whatever else it found when the leaders did not settle', () => {
    const checks = drillChecks(record([ok(0, 0, 0, '10')]), everywhere([]), true);
    const displaced = { ...whole, convergence: 'displaced' as const };
    expect(verdictOf(displaced, checks)).toEqual({ ok: false, verdict: 'not-converged', exitCode: 5 });
  });
});

describe('the drill figures', () => {
  const requests = [
    ok(0, 0, 0, '1', 10),
    ok(1, 100, 1, '2', 30),
    failure(1, 3200, 500, 'Peer error'),
    failure(1, 3300, 500, 'Peer error'),
    timeout(1, 3400, 4),
    failure(2, 3500, null, 'refused'),
    ok(2, 12_000, 6, '3', 50),
  ];

  it('times each node from its first to its last failed request after the fault', () => {
    expect(unavailability(requests, 3, 3000)).toEqual([
      { node: 0, fromMs: null, toMs: null, ms: 0 },
      { node: 1, fromMs: 3200, toMs: 5400, ms: 2200 },
      { node: 2, fromMs: 3500, toMs: 3505, ms: 5 },
    ]);
  });

  it('groups errors by request and engine message, most first', () => {
    expect(errorsByKind(requests)).toEqual([
      { kind: 'create: HTTP 500 Peer error', count: 2 },
      { kind: 'create: refused', count: 1 },
      { kind: 'create: timeout', count: 1 },
    ]);
  });

  it('splits latency by phase, over acknowledged creates only', () => {
    const phases = latencyByPhase(requests, 3000, 11_000);
    expect(phases.map((p) => [p.phase, p.requests, p.failed, p.p50Ms])).toEqual([
      ['before', 2, 0, 10],
      ['during', 4, 4, null],
      ['after', 1, 0, 50],
    ]);
    expect(percentile([1, 2, 3, 4, 100], 99)).toBe(100);
    expect(percentile([], 50)).toBeNull();
  });

  it('draws one strip per node, the worst outcome of each bucket winning, and squeezes it', () => {
    const strips = nodeStrips(requests, 3, 1000 * 13);
    expect(strips[0]!.strip.slice(0, 2)).toBe('o.');
    expect(strips[1]!.strip.slice(32, 35)).toBe('xx?');
    expect(strips[1]!.strip.slice(34, 55)).toMatch(/^\?+/); // the timeout lasts as long as it hung
    expect(squeeze('oooxoooo', 4)).toBe('oxoo');
    expect(squeeze('o?', 8)).toBe('o?');
  });
});

describe('leaders over a drill', () => {
  const view = (leaders: Array<number | null>) =>
    leaders.map((leader, i) => ({ partition: i + 1, leader, owner: i, recovering: false }));
  const round = (atMs: number, byNode: Array<Array<number | null> | null>): LeaderSample[] =>
    byNode.map((leaders, node) => ({ atMs, node, partitions: leaders === null ? null : view(leaders) }));
  // Node 0 leads partition 1; it is paused at 3000; node 1 takes over at 5000; node 0 takes it back at 12 000.
  const samples = [
    ...round(2800, [
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
    ]),
    ...round(4000, [null, [0, 1, 2], [0, 1, 2]]),
    ...round(5000, [null, [1, 1, 2], [1, 1, 2]]),
    ...round(12_000, [
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
    ]),
  ];
  const fault = { node: 0, fromMs: 3000, toMs: 11_000 };

  it('sees the change of leader, and the hand-back', () => {
    const changes = leaderChanges(samples, fault);
    expect(changes).toEqual([
      { atMs: 5000, partition: 1, from: 0, to: 1 },
      { atMs: 12_000, partition: 1, from: 1, to: 0 },
    ]);
    expect(detectionMs(changes, 3000)).toBe(2000);
    expect(newLeaders(samples, fault, [1])).toEqual([{ partition: 1, leader: 1, ms: 2000 }]);
  });

  it('does not take the faulted node naming itself leader as a new leader', () => {
    const isolated = [
      ...round(2800, [[0], [0], [0]]),
      ...round(4000, [[0], [null], [null]]),
      ...round(6000, [[0], [null], [null]]),
    ];
    expect(newLeaders(isolated, fault, [1])).toEqual([{ partition: 1, leader: null, ms: null }]);
  });
});

describe('the drill checker, when the engine reuses a key', () => {
  it('counts an acknowledged create as lost when its key now holds another create, and names the copy', () => {
    // seq 1 was acknowledged as key 11, then lost; key 11 was handed out again to a copy of seq 0.
    const requests = [ok(0, 0, 0, '10'), ok(1, 100, 1, '11')];
    const findings: CheckFindings = {
      ...everywhere(['10', '11']),
      instances: [
        { key: '10', seq: 0 },
        { key: '11', seq: 0 },
      ],
    };
    const checks = drillChecks(record(requests), findings, true);
    expect(checks.lostKeys).toEqual(['11']);
    expect(checks.duplicateInstances).toEqual(['11']);
    expect(verdictOf(whole, checks).verdict).toBe('lost');
  });

  it('takes a connection reset after sending as an unknown outcome, a refusal as a failure', () => {
    const reset = failure(1, 100, null, 'reset');
    const refused = failure(1, 200, null, 'refused');
    const checks = drillChecks(record([ok(0, 0, 0, '10'), reset, refused]), everywhere(['10', '12']), true);
    expect(checks).toMatchObject({ unknownPresent: 1, unknownAbsent: 0 });
  });
});
