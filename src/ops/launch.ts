// Launching a planned cluster: the inputs a launch needs (binary, version, kept data), then plan →
// spawn and record → wait until ready → persist → print the summary, undoing everything on a failure.
// An operation: `start` and `restart` call it; it never reads argv.
import path from 'node:path';
import { findEngineBinary } from '../binary/find.js';
import { installMethodOf, nodeForWorkers } from '../binary/install-method.js';
import { pluginVersion } from '../version.js';
import { hostGlibcVersion } from '../binary/host.js';
import { bundledManifest, versionMismatch } from '../binary/manifest.js';
import { CLUSTER_SECRET, planNodes, raftEnabled } from '../cluster/plan.js';
import { c8ctlAccess } from '../cluster/c8ctl-profile.js';
import { askConsoleMode } from '../cluster/console-served.js';
import { displacementWarning, failoverDisplaces } from '../cluster/tiers.js';
import { waitForCluster, type Progress } from '../cluster/readiness.js';
import type { StartRequest } from '../cluster/start-options.js';
import { EXIT } from '../errors.js';
import {
  STATE_SCHEMA,
  removeClusterState,
  writeClusterState,
  type ClusterState,
  type LinkProxyRecord,
  type NodeRecord,
} from '../state/cluster-state.js';
import { DiskUndo } from '../state/disk-undo.js';
import { readConfig } from '../state/config.js';
import { ensurePrivateDir } from '../state/home.js';
import { dataShapeConflict, readKeptData, writeDataShape, type KeptData } from '../state/data-shape.js';
import { BACKUPS_KEPT, backUpReadModels, backupName, needsBackup } from '../state/read-model-backup.js';
import { writeLastCluster } from '../state/last-cluster.js';
import { randomHex } from '../os/random-hex.js';
import type { CommandContext } from '../kit/context.js';
import { printSummary } from './start-summary.js';
import { engineVersion } from './engine-version.js';
import {
  describeStartFailure,
  ENVIRONMENT_FAILURE,
  ROLLBACK_GRACE_MS,
  rollBack,
  spawnNodes,
  type SpawnedNodes,
} from './spawning.js';
import { startLinkProxy, stopLinkProxy } from '../links/supervise.js';

/** Settings, binary and its version: everything a launch needs that can be checked without side effects. */
export async function prepareLaunch(ctx: CommandContext, request: StartRequest): Promise<LaunchInputs> {
  return (await beginLaunch(ctx, request)).inputs;
}

/**
 * prepareLaunch in two steps: settings and binary are checked (and refused) before this resolves; the
 * version is asked now and settles in `inputs`, so that a caller can check other things meanwhile.
 */
export async function beginLaunch(
  ctx: CommandContext,
  request: StartRequest,
): Promise<{ readonly inputs: Promise<LaunchInputs> }> {
  const config = await readConfig(ctx.layout.configFile);
  const binary = findEngineBinary({ flag: request.binary, configured: config.binary, env: ctx.env, cwd: ctx.cwd });
  const inputs = engineVersion(ctx.layout.engineVersionCache, binary.path, hostGlibcVersion).then(
    ({ check: version, remember }) => {
      if (version.warning) ctx.out.warn(version.warning);
      const mismatch = versionMismatch(bundledManifest(), binary.source, version.version);
      if (mismatch) ctx.out.warn(mismatch);
      return {
        binary,
        version: version.version,
        workspaceDir: config.workspaceDir ?? ctx.layout.defaultWorkspace,
        rememberVersion: remember,
      };
    },
  );
  // Awaited by the caller after its other checks; a refusal before then must not count as unhandled.
  inputs.catch(() => undefined);
  return { inputs };
}

/**
 * Refuses a shape the kept engine data cannot be served with (see state/data-shape.ts), and returns what
 * is kept (null for an in-memory cluster, which neither reads nor writes it). Read-only.
 */
export async function checkKeptData(ctx: CommandContext, request: StartRequest): Promise<KeptData | null> {
  if (request.storage === 'memory') return null;
  const kept = await readKeptData(ctx.layout.dataDir);
  const conflict = dataShapeConflict(kept, request, ctx.layout.dataDir, ctx.prog);
  if (conflict) throw conflict;
  return kept;
}

/** Another engine version is about to open the kept data: copy every node's read model first. */
async function backUpBeforeUpgrade(
  ctx: CommandContext,
  recorded: string | null | undefined,
  version: string | null,
): Promise<void> {
  const { layout } = ctx;
  if (!needsBackup(recorded, version)) return;
  await ensurePrivateDir(layout.backupsDir);
  const backup = await backUpReadModels(layout.dataDir, layout.backupsDir, backupName(new Date(), recorded!, version!));
  if (backup.nodes === 0) return;
  ctx.out.info(
    `Engine ${recorded} wrote the kept data and ${version} will open it: backed up ${backup.nodes} node(s)' read model to ${backup.dir} (the last ${BACKUPS_KEPT} are kept; README "Engine upgrades" says how to restore).`,
  );
}

export interface LaunchInputs {
  readonly binary: { readonly path: string; readonly source: string; readonly sourceLabel: string };
  readonly version: string | null;
  readonly workspaceDir: string;
  /** Stores a freshly checked engine version in the home; written once the launch writes anyway. */
  readonly rememberVersion?: (() => Promise<void>) | undefined;
}

/** Spawns, records and waits for a new cluster; the caller holds the lock and has checked the ports. */
export async function launch(ctx: CommandContext, request: StartRequest, inputs: LaunchInputs): Promise<number> {
  const { out, layout, effects } = ctx;
  // A secret of the user's own wins; otherwise every cluster gets a fresh one (kept only in cluster.json).
  const clusterSecret = ctx.env[CLUSTER_SECRET] || randomHex(32);
  const launcher = {
    version: pluginVersion(),
    installMethod: installMethodOf(inputs.binary.source),
    nodeBin: nodeForWorkers(process.versions.node, process.execPath),
  };
  const planInputs = {
    shape: request,
    layout,
    workspaceDir: inputs.workspaceDir,
    userEnv: ctx.env,
    clusterSecret,
    launcher,
  };
  let plan = planNodes(planInputs);
  const kept = await checkKeptData(ctx, request);

  // Until the nodes run and are recorded, no log holds anything worth keeping, and the usual failure
  // is the environment's (a full disk): undo everything, the directories and log lines made included.
  const disk = new DiskUndo();
  let records: NodeRecord[] = [];
  let linkProxy: LinkProxyRecord | undefined;
  const rollback = async (): Promise<void> => {
    await rollBack(ctx, records);
    if (linkProxy) await stopLinkProxy(linkProxy, ROLLBACK_GRACE_MS, effects);
    await removeClusterState(layout.stateFile);
  };
  const undoAll = async (): Promise<void> => {
    await rollback();
    await disk.undo();
  };

  if (kept !== null) await backUpBeforeUpgrade(ctx, kept.shape?.engineVersion, inputs.version);
  if (failoverDisplaces(request)) out.warn(displacementWarning(ctx.prog));

  const began = effects.now();
  let spawned: SpawnedNodes;
  let state: ClusterState;
  try {
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
    if (request.networkFaults) {
      // The proxy first: each node's peer list names the ports it bound.
      linkProxy = await startLinkProxy(
        { home: layout.home, ...layout.linkProxy, env: ctx.env, ports: plan.map((n) => n.port) },
        effects,
      );
      plan = planNodes({ ...planInputs, linkPorts: linkProxy.links });
    }
    spawned = await spawnNodes(ctx, inputs.binary.path, plan);
    records = spawned.records;
    // Recorded before waiting: a CLI killed mid-start leaves nodes that status and stop can still find.
    state = {
      schema: STATE_SCHEMA,
      createdAt: new Date().toISOString(),
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
    await writeClusterState(layout.stateFile, state);
  } catch (error) {
    await undoAll();
    throw error;
  }

  const outcome = await waitForCluster(spawned.waiting, request.timeoutMs, {
    probe: effects.probe,
    sleep: effects.sleep,
    interrupt: ctx.interrupt,
    onProgress: (p) => out.progress(progressLine(p)),
    displacementIsFinal: failoverDisplaces(request),
  });
  out.progress('');

  if (outcome.kind !== 'ready') {
    const failure = await describeStartFailure(outcome, {
      home: layout.home,
      targets: plan,
      offsets: spawned.offsets,
      binary: inputs.binary.path,
      timeoutMs: request.timeoutMs,
      prog: ctx.prog,
      undone: 'Every node started was stopped and the state removed; logs are kept.',
      undoneFully: 'Every node started was stopped and everything this start wrote was removed.',
    });
    if (failure.code === ENVIRONMENT_FAILURE) await undoAll();
    else await rollback();
    throw failure;
  }

  // Asked while the files below are written: one round trip less after the cluster is ready.
  const consoleAsked = askConsoleMode(effects.probe, records[0]!.url);
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
    // A cluster whose shape could not be kept would fail the next start on its own data: undo it.
    await undoAll();
    throw error;
  }
  spawned.release();
  const readyMs = Math.round(effects.now() - began);
  const consoleServed = await consoleAsked;
  printSummary(ctx, state, outcome.leadership, readyMs, inputs, consoleServed);
  out.result({
    ok: true,
    cluster: 'running',
    readyMs,
    home: layout.home,
    settings: state.settings,
    binary: { ...state.binary, sourceLabel: inputs.binary.sourceLabel },
    workspaceDir: state.workspaceDir,
    nodes: records.map(({ env: _env, ...node }) => node),
    partitions: outcome.leadership,
    restApi: `${records[0]!.url}/v2`,
    console: consoleServed === 'off' ? null : `${records[0]!.url}/console`,
    consoleMode: consoleServed,
    c8ctl: c8ctlAccess(records[0]!.port),
  });
  return EXIT.ok;
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
