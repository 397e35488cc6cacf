// Launching a planned cluster: prepare (plan, kept data) → spawn and record → wait until ready →
// persist, undoing everything on a failure. An operation: `start` and `restart` call it and turn its
// outcome into the summary and the --json document; it reports only progress while it waits.
import path from 'node:path';
import { installMethodOf, nodeForWorkers } from '../binary/install-method.js';
import { pluginVersion } from '../version.js';
import { CLUSTER_SECRET, planNodes, raftEnabled, type NodePlan, type PlanInputs } from '../cluster/plan.js';
import { askConsoleMode } from '../cluster/console-served.js';
import { displacementWarning, failoverDisplaces } from '../cluster/tiers.js';
import { waitForCluster, type Progress, type ReadyOutcome } from '../cluster/readiness.js';
import type { StartRequest } from '../cluster/start-options.js';
import type { PartitionLeadership } from '../cluster/topology.js';
import { EXIT } from '../errors.js';
import type { ConsoleMode } from '../shape.js';
import {
  STATE_SCHEMA,
  writeClusterState,
  type ClusterState,
  type LinkProxyRecord,
  type NodeRecord,
} from '../state/cluster-state.js';
import type { DiskUndo } from '../state/disk-undo.js';
import { writeDataShape } from '../state/data-shape.js';
import { writeLastCluster } from '../state/last-cluster.js';
import { randomHex } from '../os/random-hex.js';
import { startLinkProxy } from '../links/supervise.js';
import type { CommandContext } from '../kit/context.js';
import { realHostReads, type HostReads } from './host-reads.js';
import { backUpBeforeUpgrade, checkKeptData, type LaunchInputs } from './launch-inputs.js';
import { LaunchUndo } from './launch-undo.js';
import {
  ENVIRONMENT_FAILURE,
  notReady,
  readinessEffects,
  spawnNodes,
  type NotReady,
  type SpawnedNodes,
} from './spawning.js';

/** A cluster launched, recorded and ready. */
export interface Launched {
  readonly kind: 'ready';
  /** The cluster as recorded in cluster.json. */
  readonly state: ClusterState;
  /** Each partition's leader once ready; null when they could not be read (no console). */
  readonly leadership: PartitionLeadership[] | null;
  /** From the first spawn to ready, in ms. */
  readonly readyMs: number;
  /** The console the nodes serve; null when that could not be told. */
  readonly consoleServed: ConsoleMode | null;
  readonly binary: LaunchInputs['binary'];
  readonly version: string | null;
  readonly exitCode: typeof EXIT.ok;
}

/** Ready, or not ready and undone (a node exited, the timeout, Ctrl-C, displaced leaders). */
export type LaunchOutcome = Launched | NotReady;

/**
 * Spawns, records and waits for a new cluster; the caller holds the lock and has checked the ports.
 * A failure to spawn or to write is thrown, after everything this launch did was undone.
 */
export async function launch(
  ctx: CommandContext,
  request: StartRequest,
  inputs: LaunchInputs,
  reads: HostReads = realHostReads,
): Promise<LaunchOutcome> {
  const planInputs = await prepare(ctx, request, inputs, reads);
  const undo = new LaunchUndo(ctx);
  const began = ctx.effects.now();
  const started = await spawnAndRecord(ctx, request, inputs, planInputs, undo, reads);
  const outcome = await awaitReady(ctx, request, started.spawned);
  if (outcome.kind !== 'ready') {
    const failure = {
      home: ctx.layout.home,
      targets: started.plan,
      offsets: started.spawned.offsets,
      binary: inputs.binary.path,
      timeoutMs: request.timeoutMs,
      prog: ctx.prog,
      undone: 'Every node started was stopped and the state removed; logs are kept.',
      undoneFully: 'Every node started was stopped and everything this start wrote was removed.',
    };
    return notReady(
      outcome,
      failure,
      (error) => (error.code === ENVIRONMENT_FAILURE ? undo.all() : undo.processes()),
      reads,
    );
  }
  return persist(ctx, request, inputs, { ...started, leadership: outcome.leadership, began }, undo);
}

/** How the nodes are planned; the kept data checked (and backed up before an upgrade). */
async function prepare(
  ctx: CommandContext,
  request: StartRequest,
  inputs: LaunchInputs,
  reads: HostReads,
): Promise<PlanInputs> {
  const planInputs: PlanInputs = {
    shape: request,
    layout: ctx.layout,
    workspaceDir: inputs.workspaceDir,
    userEnv: ctx.env,
    // A secret of the user's own wins; otherwise every cluster gets a fresh one (kept only in cluster.json).
    clusterSecret: ctx.env[CLUSTER_SECRET] || randomHex(32),
    launcher: {
      version: pluginVersion(),
      installMethod: installMethodOf(inputs.binary.source),
      nodeBin: nodeForWorkers(process.versions.node, process.execPath),
    },
  };
  const kept = await checkKeptData(ctx, request);
  if (kept !== null) await backUpBeforeUpgrade(ctx, kept.shape?.engineVersion, inputs.version, reads.date());
  if (failoverDisplaces(request)) ctx.out.warn(displacementWarning(ctx.prog));
  return planInputs;
}

interface Started {
  readonly plan: readonly NodePlan[];
  readonly spawned: SpawnedNodes;
  readonly state: ClusterState;
}

/** Makes the folders, starts the link proxy (with --network-faults) and the nodes, and records them. */
async function spawnAndRecord(
  ctx: CommandContext,
  request: StartRequest,
  inputs: LaunchInputs,
  planInputs: PlanInputs,
  undo: LaunchUndo,
  reads: HostReads,
): Promise<Started> {
  const { layout, effects } = ctx;
  let plan = planNodes(planInputs);
  try {
    await makeFolders(ctx, request, inputs, plan, undo.disk);
    if (request.networkFaults) {
      // The proxy first: each node's peer list names the ports it bound.
      undo.linkProxy = await startLinkProxy(
        { home: layout.home, ...layout.linkProxy, env: ctx.env, ports: plan.map((n) => n.port) },
        effects,
      );
      plan = planNodes({ ...planInputs, linkPorts: undo.linkProxy.links });
    }
    const spawned = await spawnNodes(ctx, inputs.binary.path, plan, reads);
    undo.records = spawned.records;
    // Recorded before waiting: a CLI killed mid-start leaves nodes that status and stop can still find.
    const state = stateOf(request, inputs, spawned.records, undo.linkProxy, reads.date());
    await writeClusterState(layout.stateFile, state);
    return { plan, spawned, state };
  } catch (error) {
    await undo.all();
    throw error;
  }
}

async function makeFolders(
  ctx: CommandContext,
  request: StartRequest,
  inputs: LaunchInputs,
  plan: readonly NodePlan[],
  disk: DiskUndo,
): Promise<void> {
  const { layout } = ctx;
  await Promise.all([
    disk.ensureDir(layout.logsDir),
    disk.ensureDir(path.join(inputs.workspaceDir, 'models')),
    disk.ensureDir(path.join(inputs.workspaceDir, 'workers')),
    ...(request.storage === 'disk' ? plan.map((node) => disk.ensureDir(node.dataDir)) : []),
    ...plan.map((node) => disk.noteFile(node.log)),
    ...(request.networkFaults
      ? [disk.ensureDir(layout.linkProxy.controlDir), disk.noteFile(layout.linkProxy.log)]
      : []),
  ]);
}

/** The cluster as cluster.json records it. Pure. */
function stateOf(
  request: StartRequest,
  inputs: LaunchInputs,
  records: readonly NodeRecord[],
  linkProxy: LinkProxyRecord | undefined,
  created: Date,
): ClusterState {
  return {
    schema: STATE_SCHEMA,
    createdAt: created.toISOString(),
    settings: {
      nodes: request.nodes,
      basePort: request.basePort,
      partitions: request.partitions,
      rf: request.rf,
      raft: raftEnabled(request),
      capture: request.capture,
      replication: request.replication,
      storage: request.storage,
      historyMax: request.historyMax,
      console: request.console,
      ...(request.networkFaults ? { networkFaults: true } : {}),
    },
    binary: { path: inputs.binary.path, source: inputs.binary.source, version: inputs.version },
    workspaceDir: inputs.workspaceDir,
    nodes: records,
    ...(linkProxy ? { linkProxy } : {}),
  };
}

async function awaitReady(ctx: CommandContext, request: StartRequest, spawned: SpawnedNodes): Promise<ReadyOutcome> {
  const outcome = await waitForCluster(spawned.waiting, request.timeoutMs, {
    ...readinessEffects(ctx),
    onProgress: (p) => ctx.out.progress(progressLine(p)),
    displacementIsFinal: failoverDisplaces(request),
  });
  ctx.out.progress('');
  return outcome;
}

/**
 * Writes what the next start reads (the data's shape, the last cluster, the console served, the engine
 * version) and lets the nodes run on without this CLI. A failure to write undoes the cluster: one whose
 * shape could not be kept would fail the next start on its own data.
 */
async function persist(
  ctx: CommandContext,
  request: StartRequest,
  inputs: LaunchInputs,
  ready: Started & { readonly leadership: PartitionLeadership[] | null; readonly began: number },
  undo: LaunchUndo,
): Promise<Launched> {
  const { layout, effects } = ctx;
  const { state } = ready;
  // Asked while the files below are written: one round trip less after the cluster is ready.
  const consoleAsked = askConsoleMode(effects.probe, state.nodes[0]!.url);
  try {
    await Promise.all([
      // Only a shortcut for the next start: failing to store it must not fail this one.
      inputs.rememberVersion?.().catch(() => undefined),
      request.storage === 'memory'
        ? undefined
        : writeDataShape(layout.dataDir, {
            partitions: request.partitions,
            nodes: request.nodes,
            rf: request.rf,
            replication: request.replication,
            engineVersion: inputs.version,
          }),
      writeLastCluster(layout.lastClusterFile, {
        settings: state.settings,
        binary: { path: state.binary.path, source: state.binary.source },
      }),
      // Status reuses it: what the nodes serve is fixed at their spawn (an unclear answer is asked again there).
      consoleAsked.then((served) =>
        served === null ? undefined : writeClusterState(layout.stateFile, { ...state, consoleServed: served }),
      ),
    ]);
  } catch (error) {
    await undo.all();
    throw error;
  }
  ready.spawned.release();
  const readyMs = Math.round(effects.now() - ready.began);
  const consoleServed = await consoleAsked;
  const { binary, version } = inputs;
  return {
    kind: 'ready',
    state,
    leadership: ready.leadership,
    readyMs,
    consoleServed,
    binary,
    version,
    exitCode: EXIT.ok,
  };
}

function progressLine(p: Progress): string {
  if (p.up < p.total) return `Waiting for nodes: ${p.up}/${p.total} answering…`;
  if (p.waitingForPeers > 0)
    return `All ${p.total} node(s) answering; ${p.waitingForPeers} still connecting to their peers…`;
  if (p.leaderless && p.leaderless.length > 0)
    return `All ${p.total} node(s) answering; waiting for leaders of partition(s) ${p.leaderless.join(', ')}…`;
  if (p.recovering && p.recovering.length > 0)
    return `All ${p.total} node(s) answering; partition(s) ${p.recovering.map((r) => r.partition).join(', ')} still recovering…`;
  return `All ${p.total} node(s) answering…`;
}
