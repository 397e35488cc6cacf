// The boot kick (src/cluster/readiness.ts): a node still missing a peer is sent read-only GETs of
// unused keys that its missing peer owns; a node that reached every peer is left alone.
import { describe, expect, it } from 'vitest';
import { kickPaths, unusedKeyOf } from '../../../src/cluster/peers.js';
import { KICK_INTERVAL_MS, waitForCluster } from '../../../src/cluster/readiness.js';
import type { HttpProbe } from '../../../src/os/http-probe.js';
import { fakeNodesProbe, ownersLead, waitingNodes } from '../../support/console-topology.js';

/** Three fake nodes: node 0 has not reached node 2 until it is kicked towards it; the others are complete. */
function fakeCluster(kickLands = true): { probe: HttpProbe; requests: string[] } {
  let node0Kicked = false;
  return fakeNodesProbe({
    basePort: 9000,
    partitions: () => ownersLead(3),
    peersOf: (id) => (id === 0 && !node0Kicked ? [1] : [0, 1, 2].filter((t) => t !== id)),
    otherPath: (id, pathname) => {
      if (!pathname.startsWith('/v2/process-instances/')) return undefined;
      if (kickLands && id === 0 && pathname.endsWith(unusedKeyOf(3))) node0Kicked = true;
      return { kind: 'answers', status: 404, body: { title: 'not found' } };
    },
  });
}

const nodes = waitingNodes(3, 9000);

describe('the boot kick', () => {
  it('kicks only the node that is missing a peer, towards a partition that peer owns, and then it is ready', async () => {
    const { probe, requests } = fakeCluster();
    const outcome = await waitForCluster(nodes, 5_000, { probe, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    expect(outcome.kind).toBe('ready');
    const kicks = requests.filter((u) => u.includes('/v2/process-instances/'));
    expect(kicks.length).toBeGreaterThan(0);
    expect(new Set(kicks)).toEqual(new Set([`http://127.0.0.1:9000/v2/process-instances/${unusedKeyOf(3)}`]));
  });

  it('asks nothing but the read-only endpoints it knows (the probe can only GET)', async () => {
    const { probe, requests } = fakeCluster();
    await waitForCluster(nodes, 5_000, { probe, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    for (const url of requests)
      expect(new URL(url).pathname).toMatch(
        /^\/(v2\/topology|console\/api\/topology|metrics|v2\/process-instances\/\d+)$/,
      );
  });

  it('paces the kicks to one per node per interval while a peer stays missing', async () => {
    // A clock that moves only when the wait sleeps (each nap lets every loop take its turn), and the
    // deadline on it: the kicks counted over a wait of a given length on that clock.
    const kicksOver = async (timeoutMs: number): Promise<number> => {
      const cluster = fakeCluster(false);
      let t = 0;
      const sleep = async (ms: number): Promise<void> => {
        t += ms;
        await new Promise((r) => setImmediate(r));
      };
      const outcome = await waitForCluster(nodes, timeoutMs, { probe: cluster.probe, sleep, now: () => t });
      expect(outcome.kind).toBe('timeout');
      return cluster.requests.filter((u) => u.includes('/v2/process-instances/')).length;
    };
    // A wait shorter than the interval: one kick in all, though node 0 is polled several times.
    expect(await kicksOver(KICK_INTERVAL_MS - 1)).toBe(1);
    // A wait of ten intervals: a kick again once each interval has passed, and no more often.
    const kicks = await kicksOver(10 * KICK_INTERVAL_MS);
    expect(kicks).toBeGreaterThan(1);
    expect(kicks).toBeLessThanOrEqual(11);
  });
});

describe('unused keys and kick paths', () => {
  it('is the last key of the partition, so it exists nowhere and names that partition', () => {
    expect(unusedKeyOf(1)).toBe(String(2n ** 51n - 1n));
    expect(Number(BigInt(unusedKeyOf(4)) >> 51n) + 1).toBe(4);
  });
  it('picks a partition each missing peer owns, else one it replicates', () => {
    const partitions = [
      { partition: 1, owner: 0, replicas: [0, 1] },
      { partition: 2, owner: 1, replicas: [1, 2] },
    ];
    expect(kickPaths([1], partitions)).toEqual([`/v2/process-instances/${unusedKeyOf(2)}`]);
    expect(kickPaths([2], partitions)).toEqual([`/v2/process-instances/${unusedKeyOf(2)}`]);
    expect(kickPaths([5], partitions)).toEqual([]);
  });
});
