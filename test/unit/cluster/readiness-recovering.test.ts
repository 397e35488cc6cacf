// A partition that has a leader but still reports `recovering` is not ready, and the start failure
// says so in those words, not "no leader" (engine 0.0.22 keeps partitions recovering after a
// failover on kept data: they do have leaders).
import { describe, expect, it } from 'vitest';
import { waitForCluster } from '../../../src/cluster/readiness.js';
import { unsettledPartitions } from '../../../src/ops/spawning.js';
import { type ConsolePartition, fakeNodesProbe, waitingNodes } from '../../support/console-topology.js';

const partitions: ConsolePartition[] = [
  { partition_id: 1, owner: 0, leader: 2, replicas: [0, 1, 2], raft_term: 2, recovering: true },
  { partition_id: 2, owner: 1, leader: null, replicas: [0, 1, 2], raft_term: 2, recovering: true },
  { partition_id: 3, owner: 2, leader: 2, replicas: [0, 1, 2], raft_term: 1, recovering: false },
];

const { probe } = fakeNodesProbe({
  basePort: 9100,
  partitions: () => partitions,
  peersOf: (id) => [0, 1, 2].filter((t) => t !== id),
});

const nodes = waitingNodes(3, 9100);

describe('readiness with partitions still recovering', () => {
  it('times out, naming the partition without a leader and the one led but still recovering, apart', async () => {
    const outcome = await waitForCluster(nodes, 300, { probe, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    expect(outcome.kind).toBe('timeout');
    if (outcome.kind !== 'timeout') return;
    expect(outcome.leaderless).toEqual([2]);
    expect(outcome.recovering).toEqual([{ partition: 1, leader: 2 }]);
    expect(unsettledPartitions(outcome.leaderless ?? [], outcome.recovering ?? [])).toBe(
      'partition(s) 2 had no leader yet; partition(s) 1 (led by node 2) still reported recovering',
    );
  });

  it('words each case alone too', () => {
    expect(unsettledPartitions([1, 3], [])).toBe('partition(s) 1, 3 had no leader yet');
    expect(unsettledPartitions([], [{ partition: 2, leader: 0 }])).toBe(
      'partition(s) 2 (led by node 0) still reported recovering',
    );
  });
});
