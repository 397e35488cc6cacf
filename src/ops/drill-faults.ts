// A drill's fault, done and undone with the same means as the verbs a person would use: SIGSTOP and
// SIGCONT (pause), SIGKILL and a restart on the node's own data (kill), and a new fault table for the
// link proxy (isolate, cut, slow). Every signal goes to a process proven ours (pid plus start time);
// `heal` is safe to call twice, and is what Ctrl-C runs, so no paused node or cut link is left behind.
import { waitForCluster } from '../cluster/readiness.js';
import { UserError } from '../errors.js';
import { cut, heal as healTable, isolate, NO_FAULTS, slow, type FaultTable } from '../links/faults.js';
import { applyFaults, readFaults } from '../links/supervise.js';
import type { CommandContext } from '../kit/context.js';
import { statusOf, type ProcessStatus } from '../os/process-identity.js';
import { readClusterState, type ClusterState, type NodeRecord } from '../state/cluster-state.js';
import { respawnRecorded } from './respawn.js';
import { readinessEffects } from './spawning.js';
import { signalAndSettle } from './signal-node.js';

export interface FaultPlan {
  readonly fault: 'pause' | 'kill' | 'isolate' | 'cut' | 'slow' | 'none';
  readonly node: number | null;
  readonly peer: number | null;
  readonly mode: 'stall' | 'reset';
  readonly delayMs: number;
  readonly jitterMs: number;
}

export interface InjectedFault {
  /** What was done, in words. */
  readonly detail: string;
  /** Undoes it (idempotent); resolves with what was done. */
  heal(): Promise<string>;
}

const RESTART_TIMEOUT_MS = 30_000;

export async function injectFault(ctx: CommandContext, state: ClusterState, plan: FaultPlan): Promise<InjectedFault> {
  if (plan.fault === 'none' || plan.node === null)
    return { detail: 'no fault (baseline)', heal: async () => 'nothing to heal' };
  const node = state.nodes[plan.node]!;
  if (plan.fault === 'pause') return pause(ctx, node);
  if (plan.fault === 'kill') return kill(ctx, state, node);
  return linkFault(ctx, state, plan);
}

async function pause(ctx: CommandContext, node: NodeRecord): Promise<InjectedFault> {
  await signalUntil(ctx, node, 'SIGSTOP', 'frozen');
  let healed = false;
  return {
    detail: `paused node ${node.id} (SIGSTOP)`,
    heal: async () => {
      if (!healed) await signalUntil(ctx, node, 'SIGCONT', 'running');
      healed = true;
      return `resumed node ${node.id} (SIGCONT)`;
    },
  };
}

async function kill(ctx: CommandContext, state: ClusterState, node: NodeRecord): Promise<InjectedFault> {
  await signalUntil(ctx, node, 'SIGKILL', 'exited');
  let healed: string | null = null;
  return {
    detail: `killed node ${node.id} (SIGKILL)`,
    heal: async () => {
      healed ??= await startAgain(ctx, state, node);
      return healed;
    },
  };
}

/** Starts the killed node on its own data, records it, and waits until it answers (not for leaders). */
async function startAgain(ctx: CommandContext, state: ClusterState, node: NodeRecord): Promise<string> {
  const current = (await readClusterState(ctx.layout.stateFile)) ?? state;
  const { spawned } = await respawnRecorded(ctx, current, [current.nodes[node.id] ?? node]);
  const outcome = await waitForCluster(spawned.waiting, RESTART_TIMEOUT_MS, {
    ...readinessEffects(ctx),
    requireLeaders: false,
  });
  spawned.release();
  if (outcome.kind !== 'ready')
    throw new UserError(
      `Node ${node.id} did not come back within ${RESTART_TIMEOUT_MS / 1000} s after the drill killed it; see its log ${node.log} and "${ctx.prog} node ${node.id} start".`,
      { code: 'start-timeout' },
    );
  return `started node ${node.id} again on its data (pid ${spawned.records[0]!.pid})`;
}

/** Sends `signal` to a node proven ours, then waits until the OS shows `target`. */
async function signalUntil(
  ctx: CommandContext,
  node: NodeRecord,
  signal: NodeJS.Signals,
  target: ProcessStatus,
): Promise<void> {
  const { effects } = ctx;
  const before = await statusOf(effects.readProcess, node.pid, node.startTime);
  if (before === target) return;
  if (before === 'exited' || before === 'stale')
    throw new UserError(`Node ${node.id} (pid ${node.pid}) is not running, so the drill cannot ${signal} it.`, {
      code: 'node-not-running',
    });
  await signalAndSettle(ctx, node, signal, target);
}

async function linkFault(ctx: CommandContext, state: ClusterState, plan: FaultPlan): Promise<InjectedFault> {
  const proxy = state.linkProxy;
  if (!proxy)
    throw new UserError(
      `A ${plan.fault} drill needs peer links through the link proxy: restart the cluster with "${ctx.prog} restart --network-faults" (data kept).`,
      { code: 'no-link-proxy' },
    );
  const n = state.nodes.length;
  const before = readFaults(proxy, n);
  const table = faultTable(before, plan, n);
  await applyFaults(proxy, table, ctx.effects);
  let healed = false;
  return {
    detail: describeLinkFault(plan),
    heal: async () => {
      if (!healed) await applyFaults(proxy, healTable(table), ctx.effects);
      healed = true;
      return 'healed every link';
    },
  };
}

function faultTable(before: FaultTable, plan: FaultPlan, n: number): FaultTable {
  if (plan.fault === 'isolate') return isolate(before, plan.node!, n, plan.mode);
  if (plan.fault === 'cut') return cut(before, plan.node!, plan.peer!, plan.mode);
  if (plan.fault === 'slow')
    return slow(before, plan.node!, n, { delayMs: plan.delayMs, jitterMs: plan.jitterMs, rateBytesPerSec: null });
  return NO_FAULTS;
}

function describeLinkFault(plan: FaultPlan): string {
  const how = plan.mode === 'reset' ? 'refused' : 'silent';
  if (plan.fault === 'isolate') return `isolated node ${plan.node} from its peers (${how})`;
  if (plan.fault === 'cut') return `cut what node ${plan.node} sends to node ${plan.peer} (${how})`;
  return `slowed node ${plan.node}'s peer links by ${plan.delayMs} ms${plan.jitterMs > 0 ? ` ± ${plan.jitterMs} ms` : ''}`;
}
