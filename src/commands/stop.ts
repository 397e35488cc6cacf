// `nano stop [--purge] [--force] [--timeout <s>]`: stop every node we can prove is ours, then forget the
// cluster. --force also stops this home's engines that the state does not track (or when it is lost).
import type { NanoArgs } from '../kit/args.js';
import { describeEngines, untracked, untrackedError } from '../cluster/lifecycle.js';
import { DEFAULT_STOP_TIMEOUT_S } from '../cluster/start-options.js';
import { parseSeconds } from '../values.js';
import { EXIT, UserError } from '../errors.js';
import { readClusterState, type ClusterState } from '../state/cluster-state.js';
import { acquireLock } from '../state/lock.js';
import { LINK_PROXY_MARK, MANAGED_BY } from '../markers.js';
import type { FoundEngine } from '../os/find-engines.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { StopResult } from '../results/cluster.js';
import type { CommandContext } from '../kit/context.js';
import {
  purgeData,
  setCorruptStateAside,
  stopStrays,
  stopTrackedCluster,
  type SettledStop,
} from '../ops/stop-cluster.js';

interface StopRequest {
  readonly graceMs: number;
  readonly purge: boolean;
  readonly force: boolean;
}

/** What this home runs: the tracked cluster (null when none, or its file is corrupt), and the strays. */
interface Found {
  readonly state: ClusterState | null;
  /** The corrupt state file's error, when --force goes on without it. */
  readonly corrupt: UserError | null;
  readonly strays: FoundEngine[];
}

export async function stopCommand(ctx: CommandContext, args: NanoArgs<'stop'>): Promise<number> {
  const request: StopRequest = {
    graceMs: parseSeconds(
      '--timeout',
      typeof args.flags.timeout === 'string' ? args.flags.timeout : undefined,
      DEFAULT_STOP_TIMEOUT_S,
    ),
    purge: args.flags.purge === true,
    force: args.flags.force === true,
  };
  const found = await findWhatRuns(ctx, request.force);
  if (found.state === null && found.strays.length === 0) return stopNothing(ctx, request, found);
  if (found.state === null && !request.force) throw untrackedError(found.strays, ctx.prog, 'starting or cleaning');

  const releaseLock = await acquireLock(ctx.layout.lockFile, 'stop', { readProcess: ctx.effects.readProcess });
  try {
    return await stopLocked(ctx, request, found);
  } finally {
    await releaseLock();
  }
}

async function findWhatRuns(ctx: CommandContext, force: boolean): Promise<Found> {
  const { layout, effects } = ctx;
  // A corrupt state file stops a plain stop; with --force this home's engines are found without it.
  let state: ClusterState | null = null;
  let corrupt: UserError | null = null;
  try {
    state = await readClusterState(layout.stateFile);
  } catch (error) {
    if (!(error instanceof UserError && error.code === 'corrupt-state') || !force) throw error;
    corrupt = error;
  }
  // A link proxy left by a CLI killed before it recorded it counts as this home's too.
  const [engines, proxies] = await Promise.all([
    effects.findEngines(layout.home, layout.dataDir),
    force || state === null
      ? effects.findProcesses(
          layout.home,
          (env) => env.get(MANAGED_BY) === layout.home && env.get(LINK_PROXY_MARK) === '1',
        )
      : [],
  ]);
  const strays = [
    ...untracked(engines, state),
    ...proxies.filter((p) => !(state?.linkProxy?.pid === p.pid && state.linkProxy.startTime === p.startTime)),
  ];
  return { state, corrupt, strays };
}

async function stopNothing(ctx: CommandContext, request: StopRequest, found: Found): Promise<number> {
  // Without state we cannot prove no engine of ours still uses the data, so --purge deletes nothing here.
  ctx.out.info(
    `Nothing to stop: no cluster is tracked in ${ctx.layout.home} and none of its engines runs.${request.purge ? ' No data was deleted.' : ''}`,
  );
  if (found.corrupt) await setCorruptStateAside(ctx);
  ctx.out.result({
    schemaVersion: SCHEMA_VERSION,
    ok: true,
    stopped: [],
    purged: false,
    message: 'no cluster tracked',
  } satisfies StopResult);
  return EXIT.ok;
}

async function stopLocked(ctx: CommandContext, request: StopRequest, found: Found): Promise<number> {
  const { out, layout } = ctx;
  const { state, strays } = found;
  const results = state ? await stopTrackedCluster(ctx, state, request.graceMs) : [];
  const strayResults = request.force ? await stopStrays(ctx, strays, request.graceMs) : [];
  if (!request.force && strays.length > 0) {
    out.warn(
      `${strays.length} more engine process(es) of this home run untracked (${describeEngines(strays)}); "${ctx.prog} stop --force" stops them too.`,
    );
  }
  if (found.corrupt) await setCorruptStateAside(ctx);
  if (request.purge) await purgeData(ctx);
  const stale = results.filter((r) => r.outcome === 'stale').length;
  out.success(stopSummary(ctx, request, state, [...results, ...strayResults], stale));
  out.result({
    schemaVersion: SCHEMA_VERSION,
    ok: true,
    stopped: results.map((r) => ({ id: r.id, pid: r.pid, outcome: r.outcome, ms: r.ms })),
    untracked: strayResults.map((r) => ({ pid: r.pid, outcome: r.outcome, ms: r.ms })),
    staleState: stale > 0,
    purged: request.purge,
    dataDir: layout.dataDir,
    logsDir: layout.logsDir,
  } satisfies StopResult);
  return EXIT.ok;
}

/** The closing line: what was running, and what became of the data and the logs. */
function stopSummary(
  ctx: CommandContext,
  request: StopRequest,
  state: ClusterState | null,
  all: readonly SettledStop[],
  stale: number,
): string {
  const stopped = all.filter((r) => r.outcome === 'graceful' || r.outcome === 'forced').length;
  const summary =
    stopped === 0
      ? `No node was running${stale > 0 ? ' (the state was stale)' : ''}; the cluster is forgotten.`
      : `Cluster stopped (${stopped} engine process(es) were running).`;
  const data = request.purge
    ? 'Engine data deleted.'
    : state?.settings.storage === 'memory'
      ? 'It ran in memory, so its engine state is gone.'
      : `Engine data kept in ${ctx.layout.dataDir}.`;
  return `${summary} ${data} Logs kept in ${ctx.layout.logsDir}.`;
}
