// Leadership against ownership: the default tier, where each partition stands, what the nodes say of
// it when they disagree, and how readiness stops waiting for a displacement that never heals.
import { describe, expect, it } from 'vitest';
import { describeDisplaced, displacedPartitions, ownerOf, placementOf } from '../../../src/cluster/displacement.js';
import { reconcileLeadership } from '../../../src/cluster/leader-views.js';
import {
  displacementLines,
  lastingDisplacement,
  partitionStatuses,
  partitionText,
} from '../../../src/cluster/partition-status.js';
import { DISPLACED_CONFIRM_MS, displacementWatch, waitForCluster } from '../../../src/cluster/readiness.js';
import { defaultReplication, failoverDisplaces, healingTier, TIER_BEHAVIOUR } from '../../../src/cluster/tiers.js';
import type { PartitionLeadership } from '../../../src/cluster/topology.js';
import type { NodeFacts } from '../../../src/cluster/status-model.js';
import type { HttpProbe } from '../../../src/os/http-probe.js';
import { type ConsolePartition, fakeNodesProbe, waitingNodes } from '../../support/console-topology.js';

const part = (
  partition: number,
  leader: number | null,
  term = 1,
  owner: number | null = partition - 1,
): PartitionLeadership => ({
  partition,
  leader,
  term,
  recovering: leader !== owner,
  replicas: [0, 1, 2],
  owner,
});
const node = (id: number, process: NodeFacts['process'] = 'running'): NodeFacts => ({
  id,
  process,
  http: process === 'running' ? 'answers' : 'not-probed',
});

describe('the default tier follows the measured behaviour', () => {
  it('is leader-durable with this engine: quorum never gives leadership back', () => {
    expect(defaultReplication({ rf: 3, raft: true })).toBe('leader-durable');
    expect(failoverDisplaces({ rf: 3, raft: true, replication: 'quorum' })).toBe(true);
    expect(failoverDisplaces({ rf: 3, raft: true, replication: 'leader-durable' })).toBe(false);
    // With one copy nothing fails over, so nothing is displaced.
    expect(failoverDisplaces({ rf: 1, raft: true, replication: 'quorum' })).toBe(false);
  });
  it('becomes quorum once quorum hands leadership back (the one fact to change)', () => {
    expect(
      healingTier({ ...TIER_BEHAVIOUR, quorum: { replacesFrozenLeader: true, returnsLeadershipToOwner: true } }),
    ).toBe('quorum');
  });
});

describe('where a partition stands', () => {
  const healthy = (ids: number[]) => (id: number) => ids.includes(id);
  it.each([
    ['owner', part(1, 0), [0, 1, 2], 'quorum'],
    ['failover', part(1, 2), [1, 2], 'quorum'],
    ['displaced', part(1, 2), [0, 1, 2], 'quorum'],
    ['handing-back', part(1, 2), [0, 1, 2], 'leader-durable'],
    ['no-leader', part(1, null), [0, 1, 2], 'quorum'],
  ] as const)('%s', (placement, p, up, tier) => {
    expect(placementOf({ ...p, live: p.leader !== null }, 3, healthy([...up]), tier)).toBe(placement);
  });
  it('takes the owner the engine names, else the head of the replicas, else round-robin', () => {
    expect(ownerOf({ partition: 2, owner: 2, replicas: [1, 2, 0] }, 3)).toBe(2);
    expect(ownerOf({ partition: 2, owner: null, replicas: [1, 2, 0] }, 3)).toBe(1);
    expect(ownerOf({ partition: 5, owner: null, replicas: [] }, 3)).toBe(1);
  });
  it('lists led partitions away from their owner, in words', () => {
    const displaced = displacedPartitions([part(1, 2), part(2, 1), part(3, 0), part(4, null, 1, 0)], 3);
    expect(displaced).toEqual([
      { partition: 1, leader: 2, owner: 0 },
      { partition: 3, leader: 0, owner: 2 },
    ]);
    expect(describeDisplaced(displaced)).toBe(
      'partition 1 is led by node 2, its owner is node 0; partition 3 is led by node 0, its owner is node 2',
    );
  });
});

describe("the nodes' views, reconciled", () => {
  it('takes the leader most nodes name; a cut-off node naming itself at a higher term is dissent', () => {
    const agreed = reconcileLeadership([
      { observer: 0, partitions: [part(1, 0, 207)] },
      { observer: 1, partitions: [part(1, 1, 3)] },
      { observer: 2, partitions: [part(1, 1, 3)] },
    ])!;
    expect(agreed[0]).toMatchObject({
      partition: 1,
      leader: 1,
      term: 3,
      seenBy: [1, 2],
      dissent: [{ observer: 0, leader: 0, term: 207 }],
    });
    // Known to be cut off, node 0 leads nothing for the others: a failover.
    const [cutOff] = partitionStatuses(agreed, [node(0), node(1), node(2)], 'leader-durable', [0]);
    expect(partitionText(cutOff!)).toBe(
      'node 1, term 3 — failover: its owner node 0 is down or cut off (disagreeing: node 0 names itself at term 207)',
    );
    // Reaching its peers, node 0 calling itself leader while node 1 does too is a contest.
    const [contest] = partitionStatuses(agreed, [node(0), node(1), node(2)], 'leader-durable');
    expect(contest!.placement).toBe('contested');
    expect(partitionText(contest!)).toBe(
      'contested — node 0 (term 207) and node 1 (term 3) each call themselves its leader (disagreeing: node 0 names itself at term 207)',
    );
  });
  it('with a tie, prefers a named leader, then the higher term', () => {
    const agreed = reconcileLeadership([
      { observer: 0, partitions: [part(1, null, 4)] },
      { observer: 1, partitions: [part(1, 2, 4)] },
    ])!;
    expect(agreed[0]!.leader).toBe(2);
    expect(reconcileLeadership([])).toBeNull();
  });
  it('never calls a frozen node a live leader, and names a lasting displacement with its repair', () => {
    const agreed = reconcileLeadership([{ observer: 1, partitions: [part(1, 0), part(2, 0, 2), part(3, 2)] }])!;
    const statuses = partitionStatuses(agreed, [node(0, 'frozen'), node(1), node(2)], 'quorum');
    expect(statuses.map((s) => s.placement)).toEqual(['no-leader', 'no-leader', 'owner']);
    expect(partitionText(statuses[0]!)).toContain('no live leader (node 0 is frozen');
    const back = partitionStatuses(agreed, [node(0), node(1), node(2)], 'quorum');
    expect(back.map((s) => s.placement)).toEqual(['owner', 'displaced', 'owner']);
    expect(lastingDisplacement(back)).toEqual([{ partition: 2, leader: 0, owner: 1 }]);
    const lines = displacementLines(lastingDisplacement(back), 'nano');
    expect(lines[0]).toContain('partition 2 is led by node 0, its owner is node 1');
    expect(lines.join('\n')).toContain('"nano restart --replication leader-durable"');
    expect(displacementLines([], 'nano')).toEqual([]);
  });
});

describe('readiness and a displacement that never heals', () => {
  it('answers only once the same displaced leaders have held for the confirmation time', () => {
    let now = 0;
    const watch = displacementWatch(3, () => now);
    const displaced = [part(1, 2, 2), part(2, 1), part(3, 2)];
    expect(watch(displaced)).toBeUndefined();
    now += DISPLACED_CONFIRM_MS - 1;
    expect(watch(displaced)).toBeUndefined();
    // A leader moved: the clock starts again.
    expect(watch([part(1, 1, 3), part(2, 1), part(3, 2)])).toBeUndefined();
    now += DISPLACED_CONFIRM_MS;
    expect(watch([part(1, 1, 3), part(2, 1), part(3, 2)])).toEqual([{ partition: 1, leader: 1, owner: 0 }]);
    // Leaderless partitions are an election, not a displacement.
    expect(watch([part(1, null), part(2, 1), part(3, 2)])).toBeUndefined();
  });

  const probeWith = (partitions: ConsolePartition[]): HttpProbe =>
    fakeNodesProbe({ basePort: 9300, partitions: () => partitions }).probe;
  const nodes = waitingNodes(3, 9300);
  const displacedBody: ConsolePartition[] = [
    { partition_id: 1, owner: 0, leader: 2, replicas: [0, 1, 2], raft_term: 2, recovering: true },
    { partition_id: 2, owner: 1, leader: 1, replicas: [1, 2, 0], raft_term: 1, recovering: false },
    { partition_id: 3, owner: 2, leader: 2, replicas: [2, 0, 1], raft_term: 1, recovering: false },
  ];
  const fakeClock = () => {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms) };
  };

  it('ends the wait with the displaced partitions under a tier that never heals', async () => {
    const clock = fakeClock();
    const outcome = await waitForCluster(nodes, 60_000, {
      probe: probeWith(displacedBody),
      ...clock,
      displacementIsFinal: true,
    });
    expect(outcome).toEqual({ kind: 'displaced', displaced: [{ partition: 1, leader: 2, owner: 0 }] });
  });
  it('keeps waiting under a tier that hands partitions back (here until the timeout)', async () => {
    const outcome = await waitForCluster(nodes, 200, {
      probe: probeWith(displacedBody),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    expect(outcome.kind).toBe('timeout');
  });
});

describe('readiness asks every node who leads', () => {
  it('is not ready while one node does not know a leader yet (a start on kept data), and is once all agree', async () => {
    let calls = 0;
    const settled: ConsolePartition[] = [
      { partition_id: 1, owner: 0, leader: 0, replicas: [0, 1], raft_term: 1, recovering: false },
      { partition_id: 2, owner: 1, leader: 1, replicas: [1, 0], raft_term: 1, recovering: false },
    ];
    const { probe } = fakeNodesProbe({
      basePort: 9400,
      // Node 1 learns partition 1's leader only after a few polls.
      partitions: (node) =>
        node === 1 && ++calls < 5 ? [{ ...settled[0]!, leader: null, raft_term: 0 }, settled[1]!] : settled,
    });
    const nodes = waitingNodes(2, 9400);
    const outcome = await waitForCluster(nodes, 5_000, { probe, sleep: async () => undefined });
    expect(outcome.kind).toBe('ready');
    expect(calls).toBeGreaterThanOrEqual(5);
  });
});

describe('how leaders settled after a heal', () => {
  const nodes = [0, 1, 2].map((id) => ({ id, process: 'running' as const, http: 'answers' as const }));
  const agreed = (
    leaders: Array<number | null>,
    dissent: Array<{ observer: number; leader: number | null; term: number }> = [],
  ) =>
    leaders.map((leader, i) => ({
      partition: i + 1,
      leader,
      term: 2,
      recovering: false,
      replicas: [i, (i + 1) % 3, (i + 2) % 3],
      owner: i,
      seenBy: [0, 1, 2],
      dissent: i === 0 ? dissent : [],
    }));
  it('whole, displaced, moving or contested', async () => {
    const { convergence, contestLines } = await import('../../../src/cluster/partition-status.js');
    expect(convergence(partitionStatuses(agreed([0, 1, 2]), nodes, 'leader-durable'))).toBe('whole');
    expect(convergence(partitionStatuses(agreed([2, 1, 2]), nodes, 'quorum'))).toBe('displaced');
    expect(convergence(partitionStatuses(agreed([2, 1, 2]), nodes, 'leader-durable'))).toBe('moving');
    expect(convergence(partitionStatuses(agreed([null, 1, 2]), nodes, 'leader-durable'))).toBe('moving');
    const contested = partitionStatuses(
      agreed([1, 1, 2], [{ observer: 0, leader: 0, term: 9 }]),
      nodes,
      'leader-durable',
    );
    expect(convergence(contested)).toBe('contested');
    expect(contestLines([1], 'nano').join(' ')).toContain('"nano restart"');
  });
});
