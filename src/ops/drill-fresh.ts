// `drill --fresh N`: a cluster of the drill's own, started in this home as `start N --network-faults`
// would (so every fault can be drilled), and stopped once the drill is done, its data kept: the
// instances are the evidence. It starts only where nothing runs and nothing is in the way (a running
// or untracked cluster, busy ports, kept data of another shape): a drill never replaces anything.
import { anyAlive, observeProcesses, untracked, untrackedError } from '../cluster/lifecycle.js';
import { checkPortsFree } from '../cluster/preflight.js';
import { DEFAULT_STOP_TIMEOUT_S, validateStart, type RawStartArgs } from '../cluster/start-options.js';
import { UserError } from '../errors.js';
import type { CommandContext } from '../kit/context.js';
import { readClusterState, type ClusterState } from '../state/cluster-state.js';
import { ensurePrivateDir } from '../state/home.js';
import { acquireLock } from '../state/lock.js';
import { launch } from './launch.js';
import { beginLaunch, checkKeptData } from './launch-inputs.js';
import { stopTrackedCluster } from './stop-cluster.js';

export async function startFreshCluster(ctx: CommandContext, raw: RawStartArgs): Promise<ClusterState> {
  const request = validateStart({ ...raw, networkFaults: true, env: ctx.env });
  const { layout, effects } = ctx;
  const before = await readClusterState(layout.stateFile);
  if (before && anyAlive(await observeProcesses(before.nodes, effects.readProcess)))
    throw new UserError(
      `A cluster is already running in ${layout.home}: drill it as it is ("${ctx.prog} drill"), or stop it first for a fresh one.`,
      { code: 'cluster-running' },
    );
  const strays = untracked(await effects.findEngines(layout.home, layout.dataDir), before);
  if (strays.length > 0) throw untrackedError(strays, ctx.prog, 'a fresh cluster for the drill');
  const { inputs } = await beginLaunch(ctx, request);
  await checkKeptData(ctx, request);
  await checkPortsFree(
    Array.from({ length: request.nodes }, (_, i) => request.basePort + i),
    effects,
    ctx.prog,
  );
  await ensurePrivateDir(layout.home);
  const release = await acquireLock(layout.lockFile, 'drill --fresh', { readProcess: effects.readProcess });
  try {
    ctx.out.progress(`drill: starting a fresh cluster of ${request.nodes}…`);
    const outcome = await launch(ctx, request, await inputs);
    if (outcome.kind === 'not-ready') throw outcome.error;
  } finally {
    await release();
  }
  const state = await readClusterState(layout.stateFile);
  if (!state) throw new UserError('The fresh cluster started but its state file is gone.', { code: 'corrupt-state' });
  return state;
}

/** Stops the drill's own cluster (as recorded now: a kill drill re-recorded a node); its data stays. */
export async function stopFreshCluster(ctx: CommandContext): Promise<void> {
  const state = await readClusterState(ctx.layout.stateFile);
  if (state) await stopTrackedCluster(ctx, state, DEFAULT_STOP_TIMEOUT_S * 1000);
}
