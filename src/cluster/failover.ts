// What freezing a leader will do to its partitions, in words. Pure.
import type { ClusterShape } from '../shape.js';
import { frozenLeaderIsReplaced } from './plan.js';

export interface FailoverNote {
  /** warn: the partitions stay without a leader while it is frozen; info: another node takes over. */
  readonly kind: 'warn' | 'info';
  readonly text: string;
}

export function failoverNote(prog: string, shape: Pick<ClusterShape, 'rf' | 'raft' | 'replication'>, nodeId: number, led: readonly number[]): FailoverNote | null {
  if (led.length === 0) return null;
  const which = `partition${led.length > 1 ? 's' : ''} ${led.join(', ')}`;
  if (frozenLeaderIsReplaced(shape)) {
    return { kind: 'info', text: `Node ${nodeId} led ${which}; under the quorum tier another replica should take over within a few seconds. Watch it with "${prog} status --watch".` };
  }
  if (shape.rf === 1) {
    return { kind: 'warn', text: `Node ${nodeId} holds the only copy of ${which} (RF 1): no other node can take over, so they are unavailable until "${prog} resume ${nodeId}". For a failover drill, start with --rf 3.` };
  }
  return {
    kind: 'warn',
    text: `Node ${nodeId} leads ${which}, and under the leader-durable tier its replicas only follow: none takes over while it is frozen, only if it dies. To rehearse failover, use "${prog} node ${nodeId} kill", or start with --replication quorum.`,
  };
}
