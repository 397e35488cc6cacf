// The deadline of start's wait (src/cluster/readiness.ts) runs on the clock the wait is given, not on a
// global timer: a fake clock drives a minute-long timeout in a moment, and the wait ends exactly there.
import { describe, expect, it } from 'vitest';
import { waitForCluster, type Progress, type WaitingNode } from '../../../src/cluster/readiness.js';
import type { HttpProbe, ProbeResult } from '../../../src/os/http-probe.js';

const MINUTE_MS = 60_000;
// Ample for a fake minute; a global 60 s timer would be far past it.
const REAL_LIMIT_MS = 5_000;

const nodes: WaitingNode[] = [0, 1].map((id) => ({
  id,
  url: `http://127.0.0.1:${9500 + id}`,
  exit: new Promise(() => undefined),
}));

const engineAnswer: ProbeResult = {
  kind: 'answers',
  status: 200,
  body: { nano: { engine: 'nanobpmn', version: '0.0.22' }, brokers: [] },
};

/** A clock that moves only when the wait naps; each nap lets every other loop (and the test runner) go on. */
function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void> } {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** Nodes that answer as engines from `answersAt` on the clock; refused before. */
const probeAnsweringAt = (clock: { now: () => number }, answersAt: number): HttpProbe => ({
  getJson: async () => (clock.now() >= answersAt ? engineAnswer : { kind: 'refused' }),
  close: async () => undefined,
});

describe('the readiness deadline, on a fake clock', () => {
  it(
    'ends a minute-long wait once a minute has passed on that clock, naming the nodes not up',
    async () => {
      const clock = fakeClock();
      const outcome = await waitForCluster(nodes, MINUTE_MS, { probe: probeAnsweringAt(clock, Infinity), ...clock });
      expect(outcome).toMatchObject({ kind: 'timeout', notUp: [0, 1] });
      // At the deadline: within the one round of naps (20 ms each, one per loop) that crossed it.
      expect(clock.now()).toBeGreaterThanOrEqual(MINUTE_MS);
      expect(clock.now()).toBeLessThanOrEqual(MINUTE_MS + 20 * (nodes.length + 1));
    },
    REAL_LIMIT_MS,
  );

  it(
    'does not end before it: nodes that answer just before the deadline are ready, just after it are not',
    async () => {
      const early = fakeClock();
      const ready = await waitForCluster(nodes, MINUTE_MS, {
        probe: probeAnsweringAt(early, MINUTE_MS - 100),
        requireLeaders: false,
        ...early,
      });
      expect(ready.kind).toBe('ready');
      const late = fakeClock();
      const timedOut = await waitForCluster(nodes, MINUTE_MS, {
        probe: probeAnsweringAt(late, MINUTE_MS + 100),
        requireLeaders: false,
        ...late,
      });
      expect(timedOut.kind).toBe('timeout');
    },
    REAL_LIMIT_MS,
  );

  it(
    'ends on time while every probe hangs, and what they answer afterwards reports no progress',
    async () => {
      const clock = fakeClock();
      const hung: Array<(answer: ProbeResult) => void> = [];
      const probe: HttpProbe = {
        getJson: () => new Promise((resolve) => hung.push(resolve)),
        close: async () => undefined,
      };
      const progress: Progress[] = [];
      const outcome = await waitForCluster(nodes, MINUTE_MS, {
        probe,
        requireLeaders: false,
        onProgress: (p) => progress.push(p),
        ...clock,
      });
      expect(outcome).toMatchObject({ kind: 'timeout', notUp: [0, 1] });
      expect(hung).toHaveLength(2);
      const reported = progress.length;
      for (const answer of hung) answer(engineAnswer);
      await new Promise((resolve) => setImmediate(resolve));
      expect(progress).toHaveLength(reported);
    },
    REAL_LIMIT_MS,
  );
});
