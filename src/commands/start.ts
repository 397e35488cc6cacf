// `nano start [N]`: validate, check, then launch a new cluster (rolled back on any failure), or
// converge on the one already running; print the summary and the --json document of either.
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { NanoArgs } from '../kit/args.js';
import { anyAlive, observeProcesses, untracked, untrackedError } from '../cluster/lifecycle.js';
import { checkPortsFree } from '../cluster/preflight.js';
import { DEFAULT_STOP_TIMEOUT_S, validateStart, type StartRequest } from '../cluster/start-options.js';
import { UserError } from '../errors.js';
import { readClusterState, removeClusterState, type ClusterState } from '../state/cluster-state.js';
import { removeEmptyDirs } from '../state/disk-undo.js';
import { ensurePrivateDir } from '../state/home.js';
import { acquireLock, lockHeldError } from '../state/lock.js';
import type { FoundEngine } from '../os/find-engines.js';
import type { CommandContext } from '../kit/context.js';
import { convergeOnRunning } from '../ops/converge.js';
import type { GivenShape } from '../cluster/desired-shape.js';
import { shapeFlags } from '../kit/shape-flags.js';
import { stopStrays, stopTrackedCluster } from '../ops/stop-cluster.js';
import { launch, type Launched } from '../ops/launch.js';
import { beginLaunch, checkKeptData, type LaunchInputs } from '../ops/launch-inputs.js';
import { launchedResult, printSummary } from '../ops/start-summary.js';
import { reportConverged } from './start-converged.js';

export async function startCommand(ctx: CommandContext, args: NanoArgs<'start'>): Promise<number> {
  const request = validateStart({
    ...shapeFlags(args),
    count: args.positionals[0],
    binary: args.flags.binary,
    force: args.flags.force === true,
    timeout: args.flags.timeout,
    networkFaults: args.flags['network-faults'] === true,
    env: ctx.env,
  });
  const { layout, effects } = ctx;
  // A cluster already running: start states the desired state (ops/converge.ts); --force replaces it.
  const before = await readClusterState(layout.stateFile);
  const runningBefore = before !== null && anyAlive(await observeProcesses(before.nodes, effects.readProcess));
  if (runningBefore && !request.force) {
    const outcome = await convergeOnRunning(ctx, request, givenShape(ctx, args, request), before);
    if (outcome.kind === 'not-ready') throw outcome.error;
    return reportConverged(ctx, outcome);
  }

  // Read-only checks first: a mistake here leaves disk and processes exactly as they were. The
  // settings and the binary are checked at once; the binary's --version (when not cached) then runs
  // while the checks below read the disk and /proc, and is awaited only under the lock.
  const { inputs } = await beginLaunch(ctx, request);
  const ports = Array.from({ length: request.nodes }, (_, i) => request.basePort + i);
  const strays = await checkBeforeLock(ctx, request, before, runningBefore, ports);
  const launched = await inHomeMadeIfNeeded(ctx, () => startLocked(ctx, request, inputs, ports, strays));
  printSummary(ctx, launched);
  ctx.out.result(launchedResult(layout.home, launched));
  return launched.exitCode;
}

/** The kept data, the strays and the ports, checked before the lock; returns the strays --force stops. */
async function checkBeforeLock(
  ctx: CommandContext,
  request: StartRequest,
  before: ClusterState | null,
  runningBefore: boolean,
  ports: readonly number[],
): Promise<FoundEngine[]> {
  const { layout, effects } = ctx;
  // Everything up to that --version spawn is synchronous reads chained by promises: one turn of the
  // event loop lets it reach the spawn before the synchronous reads below hold the thread.
  await nextTurn();
  const [found] = await Promise.all([
    effects.findEngines(layout.home, layout.dataDir),
    // Data being written by a concurrent start of this home looks like data of another shape.
    checkKeptData(ctx, request).catch(async (error: unknown) => {
      throw (await lockHeldError(layout.lockFile, effects.readProcess)) ?? error;
    }),
  ]);
  // Engines of this home that the state does not track (a lost state file) would share the data dirs.
  const strays = untracked(found, before);
  if (strays.length > 0 && !request.force)
    throw (
      (await lockHeldError(layout.lockFile, effects.readProcess)) ?? untrackedError(strays, ctx.prog, 'a new cluster')
    );
  if (!runningBefore && strays.length === 0) {
    try {
      await checkPortsFree(ports, effects, ctx.prog);
    } catch (error) {
      // The ports may be busy because a concurrent start of this very home is bringing its nodes up.
      throw (await lockHeldError(layout.lockFile, effects.readProcess)) ?? error;
    }
  }
  return strays;
}

/** Runs `start` with the home made if missing; a home it made and left empty (it failed) goes again. */
async function inHomeMadeIfNeeded<T>(ctx: CommandContext, start: () => Promise<T>): Promise<T> {
  const madeHome = await ensurePrivateDir(ctx.layout.home);
  try {
    return await start();
  } catch (error) {
    if (madeHome !== undefined) await removeEmptyDirs(ctx.layout.home, madeHome);
    throw error;
  }
}

/** The shape values the command line gave; the rest is not compared with a running cluster. */
function givenShape(
  ctx: CommandContext,
  args: NanoArgs<'start'>,
  request: StartRequest,
): GivenShape & { binary?: string } {
  const has = (flag: keyof NanoArgs<'start'>['flags']): boolean =>
    args.flags[flag] !== undefined && args.flags[flag] !== false;
  const binary = args.flags.binary;
  return {
    nodes: args.positionals[0] !== undefined ? request.nodes : undefined,
    basePort: has('port') ? request.basePort : undefined,
    partitions: has('partitions') ? request.partitions : undefined,
    rf: has('rf') ? request.rf : undefined,
    raft: has('raft') ? true : undefined,
    replication: has('replication') ? request.replication : undefined,
    capture: has('capture') ? true : undefined,
    storage: has('in-memory') ? 'memory' : undefined,
    historyMax: has('history-max') ? request.historyMax : undefined,
    console: has('console') ? request.console : undefined,
    networkFaults: has('network-faults') ? true : undefined,
    ...(binary !== undefined ? { binary: path.resolve(ctx.cwd, binary) } : {}),
  };
}

/** Under the lock: look again, clear what --force replaces, launch; a launch not ready is thrown, undone. */
async function startLocked(
  ctx: CommandContext,
  request: StartRequest,
  pendingInputs: Promise<LaunchInputs>,
  ports: number[],
  strays: FoundEngine[],
): Promise<Launched> {
  const { out, layout, effects } = ctx;
  const releaseLock = await acquireLock(layout.lockFile, 'start', { readProcess: effects.readProcess });
  try {
    // Before anything is stopped or removed: a binary that cannot run here replaces nothing.
    const inputs = await pendingInputs;
    // Look again under the lock: another start may have won the race since the first look.
    const existing = await readClusterState(layout.stateFile);
    if (existing) {
      const observed = await observeProcesses(existing.nodes, effects.readProcess);
      if (anyAlive(observed)) {
        if (!request.force) throw alreadyRunning(ctx, existing);
        out.info('Stopping the running cluster first (--force)…');
        await stopTrackedCluster(ctx, existing, DEFAULT_STOP_TIMEOUT_S * 1000);
        await checkPortsFree(ports, effects, ctx.prog);
      } else {
        await removeClusterState(layout.stateFile);
        out.warn(`Removed stale state: the cluster started ${existing.createdAt} is no longer running.`);
      }
    }
    if (strays.length > 0) {
      out.info('Stopping untracked engines of this home first (--force)…');
      await stopStrays(ctx, strays, DEFAULT_STOP_TIMEOUT_S * 1000);
      await checkPortsFree(ports, effects, ctx.prog);
    }
    const outcome = await launch(ctx, request, inputs);
    if (outcome.kind === 'not-ready') throw outcome.error;
    return outcome;
  } finally {
    await releaseLock();
  }
}

function alreadyRunning(ctx: CommandContext, state: ClusterState): UserError {
  const ports = state.nodes.map((n) => n.port);
  return new UserError(
    `A cluster is already running (${state.nodes.length} node(s) on port${ports.length > 1 ? `s ${ports[0]}-${ports.at(-1)}` : ` ${ports[0]}`}).`,
    {
      code: 'already-running',
      details: [
        `See it with "${ctx.prog} status"; stop it with "${ctx.prog} stop", or replace it with "${ctx.prog} start … --force".`,
      ],
    },
  );
}
