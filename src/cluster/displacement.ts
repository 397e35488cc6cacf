// Who leads each partition against who owns it. The engine routes creates, job activation and reads
// by key by ownership (owner = the head of the partition's replica list), so a partition led by
// another node is not cosmetic. Pure.
import type { ClusterShape } from '../shape.js';
import type { PartitionLeadership } from './topology.js';
import { TIER_BEHAVIOUR } from './tiers.js';

/**
 * - owner: led by its owner.
 * - failover: led by another node while the owner is down (frozen, exited, cut off).
 * - handing-back: the owner is back and the tier gives the partition back to it within seconds.
 * - displaced: the owner is back but the tier never gives it back; creates and reads suffer.
 * - contested: two nodes that reach their peers each call themselves its leader.
 * - no-leader: nobody live leads it.
 */
export type Placement = 'owner' | 'failover' | 'handing-back' | 'displaced' | 'contested' | 'no-leader';

export interface Displaced {
  readonly partition: number;
  readonly leader: number;
  readonly owner: number;
}

/** The partition's owner: as the engine reports it, else the head of its replicas, else round-robin. */
export function ownerOf(p: Pick<PartitionLeadership, 'partition' | 'owner' | 'replicas'>, nodes: number): number {
  return p.owner ?? p.replicas[0] ?? (p.partition - 1) % nodes;
}

export function placementOf(
  p: Pick<PartitionLeadership, 'partition' | 'owner' | 'replicas' | 'leader'> & { readonly live: boolean },
  nodes: number,
  ownerHealthy: (id: number) => boolean,
  replication: ClusterShape['replication'],
): Placement {
  if (!p.live || p.leader === null) return 'no-leader';
  const owner = ownerOf(p, nodes);
  if (p.leader === owner) return 'owner';
  if (!ownerHealthy(owner)) return 'failover';
  return TIER_BEHAVIOUR[replication].returnsLeadershipToOwner ? 'handing-back' : 'displaced';
}

/** Partitions that have a leader other than their owner. */
export function displacedPartitions(partitions: readonly PartitionLeadership[], nodes: number): Displaced[] {
  return partitions.flatMap((p) => {
    if (p.leader === null) return [];
    const owner = ownerOf(p, nodes);
    return p.leader === owner ? [] : [{ partition: p.partition, leader: p.leader, owner }];
  });
}

export function describeDisplaced(displaced: readonly Displaced[]): string {
  return displaced
    .map((d) => `partition ${d.partition} is led by node ${d.leader}, its owner is node ${d.owner}`)
    .join('; ');
}

/** What a lasting displacement costs and how to repair it keeping the data (measured: docs/fault-drills.md). */
export function displacementAdvice(displaced: readonly Displaced[], prog: string): string[] {
  const which = displaced.map((d) => d.partition).join(', ');
  return [
    `While this lasts, some creates fail (HTTP 500 "Peer error", about 1 in 3 through the nodes that lead partitions), and reads by key of instances on partition(s) ${which} answer 404 through every node but their owner. Nothing acknowledged is lost.`,
    `Repair it, keeping the data: "${prog} restart --replication leader-durable" (each owner takes its partitions back at start). To start afresh instead: "${prog} restart --purge".`,
  ];
}
