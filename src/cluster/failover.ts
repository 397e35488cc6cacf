// What freezing a node will do to the partitions, in words. Pure.
import type { ClusterShape } from '../shape.js';
import { displacementWarning, failoverDisplaces, frozenLeaderIsReplaced } from './tiers.js';

export interface FailoverNote {
  /** warn: the partitions stay without a leader while it is frozen, or will not heal; info: another node takes over. */
  readonly kind: 'warn' | 'info';
  readonly text: string;
}

export function failoverNote(
  prog: string,
  shape: Pick<ClusterShape, 'rf' | 'raft' | 'replication'>,
  nodeId: number,
  led: readonly number[],
): FailoverNote | null {
  // Under quorum even a follower displaces leaders: its election timers run out while it is frozen and
  // fire at once on resume, and it wins partitions it never owned (docs/engine-behaviour.md
  // "Replication tier").
  if (failoverDisplaces(shape)) return { kind: 'warn', text: displacementWarning(prog) };
  if (led.length === 0) return null;
  const which = `partition${led.length > 1 ? 's' : ''} ${led.join(', ')}`;
  if (frozenLeaderIsReplaced(shape)) {
    return {
      kind: 'info',
      text: `Node ${nodeId} led ${which}; another replica should take over within a few seconds. Watch it with "${prog} status --watch".`,
    };
  }
  if (shape.rf === 1) {
    return {
      kind: 'warn',
      text: `Node ${nodeId} holds the only copy of ${which} (RF 1): no other node can take over, so they are unavailable until "${prog} resume ${nodeId}". For a failover drill, start with --rf 3.`,
    };
  }
  return {
    kind: 'warn',
    text: `Node ${nodeId} leads ${which}; under the leader-durable tier its replicas wait for a frozen leader (a hang), so they are unavailable until "${prog} resume ${nodeId}", and then all is well. For a failover, crash it: "${prog} node ${nodeId} kill" (${FAILOVER_LOSS}).`,
  };
}

/**
 * Measured with `drill` on engine 0.0.22 (docs/drills.md): creates the stand-in leader acknowledges are
 * gone once the owner takes its partition back, and their keys are handed out again.
 */
export const FAILOVER_LOSS =
  'with engine 0.0.22, creates acknowledged by the node that takes over are lost when it hands the partition back: see docs/drills.md';

/** Said before a crash of a node under Raft: what a failover costs with this engine. */
export function crashNote(prog: string, shape: Pick<ClusterShape, 'rf' | 'raft'>): string | null {
  if (shape.rf === 1 && !shape.raft) return null;
  return `Another node takes over what it led; ${FAILOVER_LOSS} ("${prog} drill kill" measures it).`;
}
