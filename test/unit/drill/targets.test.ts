// Which node a role names when the fault starts, from the leaders most nodes agree on.
import { describe, expect, it } from 'vitest';
import type { PartitionLeadership } from '../../../src/cluster/topology.js';
import { resolvePeer, resolveTarget } from '../../../src/drill/targets.js';

const led = (leaders: Array<number | null>): PartitionLeadership[] =>
  leaders.map((leader, i) => ({
    partition: i + 1,
    leader,
    term: 1,
    recovering: false,
    replicas: [i, (i + 1) % 3, (i + 2) % 3],
    owner: i,
  }));

describe('drill targets', () => {
  it('names the leader or the owner of a partition, which differ once leadership moved', () => {
    const moved = led([1, 1, 2]);
    expect(resolveTarget({ kind: 'leader-of', partition: 1 }, moved, 3)).toBe(1);
    expect(resolveTarget({ kind: 'owner-of', partition: 1 }, moved, 3)).toBe(0);
    expect(resolveTarget({ kind: 'node', id: 2 }, null, 3)).toBe(2);
  });

  it('picks as any follower a node that leads nothing', () => {
    expect(resolveTarget({ kind: 'any-follower' }, led([1, 1, 2]), 3)).toBe(0);
    expect(resolveTarget({ kind: 'any-follower' }, led([0, 1, 2]), 3)).toBe(2);
  });

  it('refuses what cannot be told or does not exist, naming it', () => {
    expect(() => resolveTarget({ kind: 'node', id: 3 }, null, 3)).toThrow(
      'There is no node 3: this cluster has nodes 0 to 2.',
    );
    expect(() => resolveTarget({ kind: 'leader-of', partition: 4 }, led([0, 1, 2]), 3)).toThrow(/no partition 4/);
    expect(() => resolveTarget({ kind: 'leader-of', partition: 2 }, led([0, null, 2]), 3)).toThrow(/has no leader now/);
    expect(() => resolveTarget({ kind: 'owner-of', partition: 1 }, null, 3)).toThrow(/console/);
  });

  it("cuts towards the target's next node by default, never towards itself", () => {
    expect(resolvePeer(null, 2, null, 3)).toBe(0);
    expect(resolvePeer({ kind: 'node', id: 0 }, 1, null, 3)).toBe(0);
    expect(() => resolvePeer({ kind: 'node', id: 1 }, 1, null, 3)).toThrow(/two different nodes/);
  });
});
