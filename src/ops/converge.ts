// `start` on a cluster that already runs: the command states the desired state, as `docker compose
// up` does. What was given explicitly must match (else the refusal names each difference and the two
// ways out); nodes of that cluster that have exited are started again on their data and waited for;
// a node someone froze (pause) is left frozen, since resuming it would end their drill. An operation:
// it returns what it found and did, and `start` prints it.
import { observeProcesses } from '../cluster/lifecycle.js';
import { waitForCluster, type ReadyOutcome, type WaitingNode } from '../cluster/readiness.js';
import { shapeMismatches, type GivenShape } from '../cluster/desired-shape.js';
import type { StartRequest } from '../cluster/start-options.js';
import { failoverDisplaces } from '../cluster/tiers.js';
import { askConsoleMode } from '../cluster/console-served.js';
import type { PartitionLeadership } from '../cluster/topology.js';
import { EXIT, UserError } from '../errors.js';
import { statusOf } from '../os/process-identity.js';
import type { ConsoleMode } from '../shape.js';
import { readClusterState, writeClusterState, type ClusterState, type NodeRecord } from '../state/cluster-state.js';
import { acquireLock } from '../state/lock.js';
import type { CommandContext } from '../kit/context.js';
import { restartLinkProxy } from './link-proxy-restart.js';
import { respawnRecorded, type Respawned } from './respawn.js';
import { notReady, readinessEffects, rollBack, type NotReady } from './spawning.js';

/** The running cluster, as asked, with its exited nodes started again. */
export interface Converged {
  readonly kind: 'ready';
  /** The cluster as now recorded. */
  readonly state: ClusterState;
  /** Nodes that had exited and were started again on their data. */
  readonly restarted: readonly number[];
  /** Nodes frozen by `pause`, left so. */
  readonly frozen: readonly number[];
  /** Each partition's leader; null when only answering was waited for (a node frozen) or no console. */
  readonly leadership: PartitionLeadership[] | null;
  /** How long the wait took, in ms. */
  readonly readyMs: number;
  readonly consoleServed: ConsoleMode | null;
  /** EXIT.ok, or EXIT.degraded while a node is frozen. */
  readonly exitCode: number;
}

/** Converged, or the nodes started again did not become ready and were stopped again. */
export type ConvergeOutcome = Converged | NotReady;

export async function convergeOnRunning(
  ctx: CommandContext,
  request: StartRequest,
  given: GivenShape & { readonly binary?: string },
  state: ClusterState,
): Promise<ConvergeOutcome> {
  refuseAnotherShape(ctx, given, state);
  const releaseLock = await acquireLock(ctx.layout.lockFile, 'start', { readProcess: ctx.effects.readProcess });
  try {
    return await convergeLocked(ctx, request, state);
  } finally {
    await releaseLock();
  }
}

/** What was given explicitly must match the running cluster: each difference is named, with the two ways out. */
function refuseAnotherShape(
  ctx: CommandContext,
  given: GivenShape & { readonly binary?: string },
  state: ClusterState,
): void {
  const differs = shapeMismatches(given, state.settings);
  if (given.binary !== undefined && given.binary !== state.binary.path)
    differs.push(`binary ${given.binary} (running: ${state.binary.path})`);
  if (differs.length === 0) return;
  throw new UserError(`A cluster is already running, but not as asked: ${differs.join(', ')}.`, {
    code: 'already-running',
    details: [
      `Replace it with "${ctx.prog} start … --force", or change it keeping its data with "${ctx.prog} restart" and the flags that differ.`,
    ],
  });
}

async function convergeLocked(
  ctx: CommandContext,
  request: StartRequest,
  state: ClusterState,
): Promise<ConvergeOutcome> {
  const { layout, effects } = ctx;
  let current = (await readClusterState(layout.stateFile)) ?? state;
  const observed = await observeProcesses(current.nodes, effects.readProcess);
  const gone = observed.filter((o) => o.process === 'exited' || o.process === 'stale').map((o) => o.record);
  const frozen = observed.filter((o) => o.process === 'frozen').map((o) => o.record.id);
  const began = effects.now();
  current = await reviveLinkProxy(ctx, current);
  const revived = gone.length > 0 ? await respawnRecorded(ctx, current, gone) : undefined;
  if (revived) current = revived.state;
  const outcome = await awaitRunning(ctx, request, current, { gone, frozen, revived });
  if (outcome.kind !== 'ready') {
    const failure = {
      home: layout.home,
      targets: gone,
      offsets: new Map(),
      binary: current.binary.path,
      timeoutMs: request.timeoutMs,
      prog: ctx.prog,
      undone:
        gone.length > 0
          ? 'The node(s) started again were stopped; the rest of the cluster runs as it did.'
          : 'Nothing was changed.',
    };
    return notReady(outcome, failure, () => rollBack(ctx, revived?.spawned.records ?? []));
  }
  revived?.spawned.release();
  const readyMs = Math.round(effects.now() - began);
  const consoleServed = await recordConsoleMode(ctx, current, frozen);
  const restarted = gone.map((n) => n.id);
  const exitCode = frozen.length === 0 ? EXIT.ok : EXIT.degraded;
  return {
    kind: 'ready',
    state: current,
    restarted,
    frozen,
    leadership: outcome.leadership,
    readyMs,
    consoleServed,
    exitCode,
  };
}

/** A link proxy that has exited runs again on the same ports (the running nodes keep dialling them). */
async function reviveLinkProxy(ctx: CommandContext, current: ClusterState): Promise<ClusterState> {
  const proxy = current.linkProxy;
  if (!proxy || (await statusOf(ctx.effects.readProcess, proxy.pid, proxy.startTime)) === 'running') return current;
  return (await restartLinkProxy(ctx, current, proxy)).state;
}

interface Revival {
  readonly gone: readonly NodeRecord[];
  readonly frozen: readonly number[];
  readonly revived: Respawned | undefined;
}

/** Waits for every node not frozen; with one frozen, partitions it leads may have no leader, so answering is all. */
async function awaitRunning(
  ctx: CommandContext,
  request: StartRequest,
  current: ClusterState,
  { gone, frozen, revived }: Revival,
): Promise<ReadyOutcome> {
  // A node that was running is waited for to answer only; it cannot be seen exiting from here.
  const waiting: WaitingNode[] = current.nodes.map(
    (n) =>
      revived?.spawned.waiting.find((s) => s.id === n.id) ?? {
        id: n.id,
        url: n.url,
        exit: new Promise(() => undefined),
      },
  );
  const outcome = await waitForCluster(
    waiting.filter((w) => !frozen.includes(w.id)),
    request.timeoutMs,
    {
      ...readinessEffects(ctx),
      requireLeaders: frozen.length === 0,
      displacementIsFinal: failoverDisplaces(current.settings),
      onProgress: () => ctx.out.progress(`Starting node(s) ${gone.map((n) => n.id).join(', ')} again…`),
    },
  );
  ctx.out.progress('');
  return outcome;
}

/** Asks what console the nodes serve, and records it when it is news. */
async function recordConsoleMode(
  ctx: CommandContext,
  current: ClusterState,
  frozen: readonly number[],
): Promise<ConsoleMode | null> {
  const served = await askConsoleMode(
    ctx.effects.probe,
    current.nodes.find((n) => !frozen.includes(n.id))?.url ?? current.nodes[0]!.url,
  );
  if (served !== null && current.consoleServed !== served)
    await writeClusterState(ctx.layout.stateFile, { ...current, consoleServed: served });
  return served;
}
