// Starting recorded nodes again as themselves: the same binary, environment and data dir they had, so
// each rejoins its cluster. Shared by `start` on a running cluster (its nodes that exited) and by
// `node <id> start`; what to wait for afterwards differs, so the caller waits.
import { checkPortsFree } from '../cluster/preflight.js';
import { writeClusterState, type ClusterState, type NodeRecord } from '../state/cluster-state.js';
import type { CommandContext } from '../kit/context.js';
import { realHostReads, type HostReads } from './host-reads.js';
import { rollBack, spawnNodes, type SpawnedNodes } from './spawning.js';

export interface Respawned {
  /** The state as now recorded: the nodes' new pids and start times. */
  readonly state: ClusterState;
  readonly spawned: SpawnedNodes;
}

/** Checks their ports, spawns `nodes` of `state` and records them; if that record fails, stops them again. */
export async function respawnRecorded(
  ctx: CommandContext,
  state: ClusterState,
  nodes: readonly NodeRecord[],
  reads: HostReads = realHostReads,
): Promise<Respawned> {
  await checkPortsFree(
    nodes.map((n) => n.port),
    ctx.effects,
    ctx.prog,
  );
  const spawned = await spawnNodes(ctx, state.binary.path, nodes, reads);
  const updated: ClusterState = {
    ...state,
    nodes: state.nodes.map((n) => spawned.records.find((r) => r.id === n.id) ?? n),
  };
  try {
    await writeClusterState(ctx.layout.stateFile, updated);
  } catch (error) {
    // Not recorded (a full disk, say), the nodes would run untracked: stop them again.
    await rollBack(ctx, spawned.records);
    throw error;
  }
  return { state: updated, spawned };
}
