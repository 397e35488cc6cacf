// What each replication tier does after a failover, with the engine we ship, and the default that
// follows from it. The one place to change when the engine changes: the drills in
// test/e2e/tier-drills.test.ts measure both facts with the real engine and fail when either moves.
import type { ClusterShape, ReplicationTier } from '../shape.js';

export interface TierBehaviour {
  /** Another replica takes over a frozen (SIGSTOPped or cut off) leader. A crashed one is replaced under both. */
  readonly replacesFrozenLeader: boolean;
  /** Once the owner is back, leadership returns to it; without that the partition stays displaced. */
  readonly returnsLeadershipToOwner: boolean;
}

/**
 * Measured with engine 0.0.22 (docs/fault-drills.md): under quorum the replicas vote, so a frozen
 * leader is replaced within seconds, but nothing ever hands the partition back to its owner, and the
 * engine routes creates and reads to the owner. Under leader-durable the replicas are learners: a
 * frozen leader is waited for, a crashed one is replaced, and the owner takes its partition back.
 */
export const TIER_BEHAVIOUR: Readonly<Record<ReplicationTier, TierBehaviour>> = {
  quorum: { replacesFrozenLeader: true, returnsLeadershipToOwner: false },
  'leader-durable': { replacesFrozenLeader: false, returnsLeadershipToOwner: true },
};

/**
 * The default with Raft: a tier under which every drill leaves the cluster whole. One that also
 * replaces a frozen leader is preferred, so an engine that hands quorum leadership back flips the
 * default by the one fact above. Without Raft the tier changes nothing.
 */
export function defaultReplication(_shape: Pick<ClusterShape, 'rf' | 'raft'>): ReplicationTier {
  return healingTier(TIER_BEHAVIOUR);
}

export function healingTier(behaviour: Readonly<Record<ReplicationTier, TierBehaviour>>): ReplicationTier {
  const healing = (Object.keys(behaviour) as ReplicationTier[]).filter((t) => behaviour[t].returnsLeadershipToOwner);
  return healing.find((t) => behaviour[t].replacesFrozenLeader) ?? healing[0] ?? 'leader-durable';
}

/** A frozen leader of this cluster's partitions will be replaced by another node. */
export function frozenLeaderIsReplaced(shape: Pick<ClusterShape, 'rf' | 'raft' | 'replication'>): boolean {
  return shape.rf > 1 && TIER_BEHAVIOUR[shape.replication].replacesFrozenLeader;
}

/** A partition taken over by another node stays there: creates and reads routed to its owner fail. */
export function failoverDisplaces(shape: Pick<ClusterShape, 'rf' | 'raft' | 'replication'>): boolean {
  return shape.rf > 1 && !TIER_BEHAVIOUR[shape.replication].returnsLeadershipToOwner;
}

/** What a user who chooses such a tier will get, in one line (start and pause say it). */
export function displacementWarning(prog: string): string {
  return `Under --replication quorum another node takes over a frozen leader, but with this engine leadership never returns to the partition's owner: from then on some creates and reads by key fail until "${prog} restart --replication leader-durable" (data kept) or "--purge".`;
}
