// How often start's wait probes (src/cluster/readiness.ts): often while a cluster is likely to become
// ready, with the total rate bounded by the number of loops, then every 20 ms.
import { describe, expect, it } from 'vitest';
import { pollInterval, waitForCluster, type WaitingNode } from '../../../src/cluster/readiness.js';
import type { HttpProbe, ProbeResult } from '../../../src/os/http-probe.js';

describe('pollInterval', () => {
  it('is 3 ms early on for a small cluster, one ms per polling loop for a larger one, at most 20', () => {
    expect(pollInterval(0, 2)).toBe(3);
    expect(pollInterval(100, 4)).toBe(4);
    expect(pollInterval(299, 9)).toBe(9);
    expect(pollInterval(10, 17)).toBe(17);
    expect(pollInterval(10, 65)).toBe(20);
  });

  it('is 20 ms once the first 300 ms have passed, whatever the size', () => {
    expect(pollInterval(300, 2)).toBe(20);
    expect(pollInterval(5_000, 4)).toBe(20);
  });
});

describe('the wait, on a clock that moves only when it sleeps', () => {
  it('sleeps the fast interval until 300 ms into the wait and 20 ms after that', async () => {
    let t = 0;
    const slept: Array<{ at: number; ms: number }> = [];
    // A node that never answers: the wait polls until its timeout.
    const probe: HttpProbe = {
      getJson: async (): Promise<ProbeResult> => ({ kind: 'refused' }),
      close: async () => undefined,
    };
    const nodes: WaitingNode[] = [{ id: 0, url: 'http://127.0.0.1:9000', exit: new Promise(() => undefined) }];
    const sleep = async (ms: number): Promise<void> => {
      slept.push({ at: t, ms });
      t += ms;
      await Promise.resolve();
    };
    // The deadline runs on the same clock: the wait ends 500 ms into it, however fast that goes.
    const outcome = await waitForCluster(nodes, 500, { probe, sleep, now: () => t });
    expect(outcome.kind).toBe('timeout');
    expect(slept.filter((s) => s.at < 300).every((s) => s.ms === 3)).toBe(true);
    expect(slept.filter((s) => s.at >= 300).every((s) => s.ms === 20)).toBe(true);
    expect(slept.some((s) => s.at >= 300)).toBe(true);
  });
});
