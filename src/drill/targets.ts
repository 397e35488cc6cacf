// Which node a drill's target names when the fault starts: an id as given, or a role read from the
// leaders most nodes agree on (leader-of, owner-of, any-follower); and cut's other end. Pure: the caller
// asks the nodes (cluster/observe-leaders.ts) and hands over the agreed leadership.
import { ownerOf } from '../cluster/displacement.js';
import type { PartitionLeadership } from '../cluster/topology.js';
import { invalidArgument, UserError } from '../errors.js';
import { describeTarget, type TargetSpec } from './options.js';

export function resolveTarget(
  spec: TargetSpec,
  leadership: readonly PartitionLeadership[] | null,
  nodes: number,
): number {
  if (spec.kind === 'node') {
    if (spec.id >= nodes)
      throw invalidArgument(`There is no node ${spec.id}: this cluster has nodes 0 to ${nodes - 1}.`);
    return spec.id;
  }
  if (leadership === null)
    throw new UserError(
      `Cannot tell ${describeTarget(spec)}: no node answered /console/api/topology (is the console off?). Name a node instead, e.g. --target 1.`,
      { code: 'error' },
    );
  if (spec.kind === 'any-follower') return anyFollower(leadership, nodes);
  const partition = leadership.find((p) => p.partition === spec.partition);
  if (!partition)
    throw invalidArgument(
      `There is no partition ${spec.partition}: this cluster has partitions 1 to ${leadership.length}.`,
    );
  if (spec.kind === 'owner-of') return ownerOf(partition, nodes);
  if (partition.leader === null)
    throw new UserError(`Partition ${spec.partition} has no leader now, so there is no leader to fault.`, {
      code: 'error',
    });
  return partition.leader;
}

/** A node that leads nothing; else the one leading the fewest partitions (the highest id on a tie). */
function anyFollower(leadership: readonly PartitionLeadership[], nodes: number): number {
  const led = Array.from({ length: nodes }, (_, id) => leadership.filter((p) => p.leader === id).length);
  const fewest = Math.min(...led);
  return led.lastIndexOf(fewest);
}

/** cut's other end: as asked, or the target's next node; never the target itself. */
export function resolvePeer(
  spec: TargetSpec | null,
  target: number,
  leadership: readonly PartitionLeadership[] | null,
  nodes: number,
): number {
  const peer = spec === null ? (target + 1) % nodes : resolveTarget(spec, leadership, nodes);
  if (peer === target)
    throw invalidArgument(`cut needs two different nodes, but --peer is the target itself (node ${target}).`);
  return peer;
}
