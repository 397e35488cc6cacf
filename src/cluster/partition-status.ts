// Each partition as status reports it: the leader most nodes name, cross-checked with what the OS and
// HTTP say of that leader, placed against its owner, with any node that disagrees. Pure.
import type { ClusterShape } from '../shape.js';
import { describeDisplaced, displacementAdvice, ownerOf, placementOf, type Displaced, type Placement } from './displacement.js';
import type { AgreedLeadership, LeaderClaim } from './leader-views.js';
import { isHealthy, leaderProblem, type NodeFacts } from './status-model.js';

export interface PartitionStatus extends AgreedLeadership {
  readonly owner: number;
  readonly live: boolean;
  readonly leaderProblem: string | null;
  readonly placement: Placement;
}

export function partitionStatuses(agreed: readonly AgreedLeadership[], nodes: readonly NodeFacts[], replication: ClusterShape['replication']): PartitionStatus[] {
  const healthy = (id: number): boolean => nodes.some((n) => n.id === id && isHealthy(n));
  return agreed.map((p) => {
    const problem = leaderProblem(p.leader, nodes);
    const live = p.leader !== null && problem === null;
    return { ...p, owner: ownerOf(p, nodes.length), live, leaderProblem: problem, placement: placementOf({ ...p, live }, nodes.length, healthy, replication) };
  });
}

/** Partitions whose live leader is not their owner although the owner is back: they will not heal. */
export function lastingDisplacement(partitions: readonly PartitionStatus[]): Displaced[] {
  return partitions.filter((p) => p.placement === 'displaced').map((p) => ({ partition: p.partition, leader: p.leader!, owner: p.owner }));
}

const claimText = (c: LeaderClaim): string => `node ${c.observer} names ${c.leader === null ? 'no leader' : c.leader === c.observer ? 'itself' : `node ${c.leader}`}${c.term !== null ? ` at term ${c.term}` : ''}`;

/** A partition's line after "partition N: ". */
export function partitionText(p: PartitionStatus): string {
  const term = p.term !== null ? `, term ${p.term}` : '';
  const dissent = p.dissent.length > 0 ? ` (disagreeing: ${p.dissent.map(claimText).join('; ')})` : '';
  if (p.leaderProblem !== null) return `no live leader (${p.leaderProblem}; it was named leader${term.replace(',', ' at')})${dissent}`;
  if (p.leader === null) return `no leader (election in progress)${dissent}`;
  const lead = `node ${p.leader}${term}`;
  switch (p.placement) {
    case 'failover':
      return `${lead} — failover: its owner node ${p.owner} is down${dissent}`;
    case 'handing-back':
      return `${lead} — handing back to its owner node ${p.owner}${dissent}`;
    case 'displaced':
      return `${lead} — displaced: its owner node ${p.owner} runs, but this tier never gives it back${dissent}`;
    default:
      return `${lead}${dissent}`;
  }
}

/** The warning and advice status adds when a displacement will not heal by itself. */
export function displacementLines(displaced: readonly Displaced[], prog: string): string[] {
  if (displaced.length === 0) return [];
  return [`Leadership is displaced and will not return by itself: ${describeDisplaced(displaced)}.`, ...displacementAdvice(displaced, prog)];
}
