// Each partition as status reports it: the leader most nodes name, cross-checked with what the OS and
// HTTP say of that leader, placed against its owner, with any node that disagrees. Pure.
import type { ClusterShape } from '../shape.js';
import {
  describeDisplaced,
  displacementAdvice,
  ownerOf,
  placementOf,
  type Displaced,
  type Placement,
} from './displacement.js';
import type { AgreedLeadership, LeaderClaim } from './leader-views.js';
import { isHealthy, leaderProblem, type NodeFacts } from './status-model.js';

export interface PartitionStatus extends AgreedLeadership {
  readonly owner: number;
  /** Nodes (not cut off) that each name themselves leader; two or more is a contest. */
  readonly claimants: readonly LeaderClaim[];
  readonly live: boolean;
  readonly leaderProblem: string | null;
  readonly placement: Placement;
}

/** `cutOff`: nodes that run and answer clients but reach no peer (isolated): they lead nothing for the others. */
export function partitionStatuses(
  agreed: readonly AgreedLeadership[],
  nodes: readonly NodeFacts[],
  replication: ClusterShape['replication'],
  cutOff: readonly number[] = [],
): PartitionStatus[] {
  const healthy = (id: number): boolean => !cutOff.includes(id) && nodes.some((n) => n.id === id && isHealthy(n));
  return agreed.map((p) => {
    const problem =
      leaderProblem(p.leader, nodes) ??
      (p.leader !== null && cutOff.includes(p.leader) ? `node ${p.leader} is cut off from its peers` : null);
    const live = p.leader !== null && problem === null;
    const claims = [...p.seenBy.map((observer) => ({ observer, leader: p.leader, term: p.term })), ...p.dissent];
    const claimants = claims
      .filter((c) => c.leader === c.observer && healthy(c.observer))
      .sort((a, b) => a.observer - b.observer);
    const placement =
      claimants.length > 1 ? 'contested' : placementOf({ ...p, live }, nodes.length, healthy, replication);
    return { ...p, owner: ownerOf(p, nodes.length), claimants, live, leaderProblem: problem, placement };
  });
}

/** Partitions whose live leader is not their owner although the owner is back: they will not heal. */
export function lastingDisplacement(partitions: readonly PartitionStatus[]): Displaced[] {
  return partitions
    .filter((p) => p.placement === 'displaced')
    .map((p) => ({ partition: p.partition, leader: p.leader!, owner: p.owner }));
}

const claimText = (c: LeaderClaim): string =>
  `node ${c.observer} names ${c.leader === null ? 'no leader' : c.leader === c.observer ? 'itself' : `node ${c.leader}`}${c.term !== null ? ` at term ${c.term}` : ''}`;

/** A partition's line after "partition N: ". */
export function partitionText(p: PartitionStatus): string {
  const term = p.term !== null ? `, term ${p.term}` : '';
  const dissent = p.dissent.length > 0 ? ` (disagreeing: ${p.dissent.map(claimText).join('; ')})` : '';
  if (p.leaderProblem !== null)
    return `no live leader (${p.leaderProblem}; it was named leader${term.replace(',', ' at')})${dissent}`;
  if (p.leader === null) return `no leader (election in progress)${dissent}`;
  const lead = `node ${p.leader}${term}`;
  switch (p.placement) {
    case 'failover':
      return `${lead} — failover: its owner node ${p.owner} is down or cut off${dissent}`;
    case 'handing-back':
      return `${lead} — handing back to its owner node ${p.owner}${dissent}`;
    case 'contested':
      return `contested — ${p.claimants.map((c) => `node ${c.observer}${c.term !== null ? ` (term ${c.term})` : ''}`).join(' and ')} each call themselves its leader${dissent}`;
    case 'displaced':
      return `${lead} — displaced: its owner node ${p.owner} runs, but this tier never gives it back${dissent}`;
    default:
      return `${lead}${dissent}`;
  }
}

/** Partitions two nodes claim at once. */
export function contestedPartitions(partitions: readonly PartitionStatus[]): number[] {
  return partitions.filter((p) => p.placement === 'contested').map((p) => p.partition);
}

/** What a contest means and how to end it (measured: docs/fault-drills.md). */
export function contestLines(contested: readonly number[], prog: string): string[] {
  if (contested.length === 0) return [];
  return [
    `Two nodes keep contesting the leadership of partition(s) ${contested.join(', ')}. For a moment after a heal that is normal; if it lasts (terms climbing), it will not settle by itself: engine 0.0.22 does this after a node was isolated with --refuse more than once.`,
    `Repair it, keeping the data: "${prog} restart".`,
  ];
}

/** The warning and advice status adds when a displacement will not heal by itself. */
export function displacementLines(displaced: readonly Displaced[], prog: string): string[] {
  if (displaced.length === 0) return [];
  return [
    `Leadership is displaced and will not return by itself: ${describeDisplaced(displaced)}.`,
    ...displacementAdvice(displaced, prog),
  ];
}

/**
 * Where a cluster stands after a fault heals: whole (every partition led by its owner, live), displaced
 * (led elsewhere for good), contested, or still moving.
 */
export type Convergence = 'whole' | 'displaced' | 'contested' | 'moving';

export function convergence(partitions: readonly PartitionStatus[]): Convergence {
  if (partitions.some((p) => p.placement === 'contested')) return 'contested';
  if (
    partitions.some((p) => p.placement === 'no-leader' || p.placement === 'failover' || p.placement === 'handing-back')
  )
    return 'moving';
  return partitions.some((p) => p.placement === 'displaced') ? 'displaced' : 'whole';
}
