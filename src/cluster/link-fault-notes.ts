// What a network fault will do to leadership, said before the user waits for it. Pure. Measured with
// engine 0.0.22 (docs/fault-drills.md; test/e2e/network-faults.test.ts checks the heal).
import type { ClusterShape } from '../shape.js';
import { displacementWarning, failoverDisplaces } from './tiers.js';
import { FAILOVER_LOSS } from './failover.js';

export interface LinkFault {
  readonly kind: 'isolate' | 'cut' | 'slow';
  readonly node: number;
  readonly mode: 'stall' | 'reset';
}

export function linkFaultNote(
  prog: string,
  fault: LinkFault,
  shape: Pick<ClusterShape, 'rf' | 'raft' | 'replication'>,
): string | null {
  if (fault.kind === 'slow' || shape.rf === 1) return null;
  if (failoverDisplaces(shape)) return displacementWarning(prog);
  if (fault.kind !== 'isolate') return null;
  // Under leader-durable the replicas only take over when the leader's connections drop.
  return fault.mode === 'stall'
    ? `Under the leader-durable tier a leader cut off silently is waited for, as if it hung: the partitions node ${fault.node} leads take no creates or reads through the other nodes until "${prog} heal ${fault.node}", and then all is well. For a failover, isolate with --refuse.`
    : `Its peers see its connections drop: another node takes over the partitions node ${fault.node} leads within about 2 s, while node ${fault.node} goes on calling itself their leader. With engine 0.0.22 this often does not heal: under client load, or the second time, nodes go on contesting a partition after "${prog} heal" (it says so); "${prog} restart" repairs that, keeping the data. The silent isolation (without --refuse) heals. And ${FAILOVER_LOSS}.`;
}
