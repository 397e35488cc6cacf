// `nano stop [--purge] [--force] [--timeout <s>]`: stop every node we can prove is ours, then forget the
// cluster. --force also stops this home's engines that the state does not track (or when it is lost).
import { rename, rm } from 'node:fs/promises';
import type { ParsedArgs } from '../kit/args.js';
import {
  describeEngines,
  describeStop,
  stopNodes,
  untracked,
  untrackedError,
  type NodeStopResult,
} from '../cluster/lifecycle.js';
import type { FoundEngine } from '../os/find-engines.js';
import { DEFAULT_STOP_TIMEOUT_S } from '../cluster/start-options.js';
import { parseSeconds } from '../values.js';
import { EXIT, UserError } from '../errors.js';
import { readClusterState, removeClusterState, type ClusterState } from '../state/cluster-state.js';
import { acquireLock } from '../state/lock.js';
import { stopLinkProxy } from '../links/supervise.js';
import { LINK_PROXY_MARK, MANAGED_BY } from '../markers.js';
import type { CommandContext } from '../kit/context.js';

export async function stopCommand(ctx: CommandContext, args: ParsedArgs): Promise<number> {
  const { out, layout, effects } = ctx;
  const graceMs = parseSeconds(
    '--timeout',
    typeof args.flags.timeout === 'string' ? args.flags.timeout : undefined,
    DEFAULT_STOP_TIMEOUT_S,
  );
  const purge = args.flags.purge === true;
  const force = args.flags.force === true;

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

  if (state === null && strays.length === 0) {
    // Without state we cannot prove no engine of ours still uses the data, so --purge deletes nothing here.
    out.info(
      `Nothing to stop: no cluster is tracked in ${layout.home} and none of its engines runs.${purge ? ' No data was deleted.' : ''}`,
    );
    if (corrupt) await setCorruptStateAside(ctx);
    out.result({ ok: true, stopped: [], purged: false, message: 'no cluster tracked' });
    return EXIT.ok;
  }
  if (state === null && !force) throw untrackedError(strays, ctx.prog, 'starting or cleaning');

  const releaseLock = await acquireLock(layout.lockFile, 'stop', { readProcess: effects.readProcess });
  try {
    const results = state ? await stopTrackedCluster(ctx, state, graceMs) : [];
    const strayResults = force ? await stopStrays(ctx, strays, graceMs) : [];
    if (!force && strays.length > 0) {
      out.warn(
        `${strays.length} more engine process(es) of this home run untracked (${describeEngines(strays)}); "${ctx.prog} stop --force" stops them too.`,
      );
    }
    if (corrupt) await setCorruptStateAside(ctx);
    if (purge) await purgeData(ctx);
    const all = [...results, ...strayResults];
    const stale = results.filter((r) => r.outcome === 'stale').length;
    const stopped = all.filter((r) => r.outcome === 'graceful' || r.outcome === 'forced').length;
    const summary =
      stopped === 0
        ? `No node was running${stale > 0 ? ' (the state was stale)' : ''}; the cluster is forgotten.`
        : `Cluster stopped (${stopped} engine process(es) were running).`;
    const data = purge
      ? 'Engine data deleted.'
      : state?.settings.storage === 'memory'
        ? 'It ran in memory, so its engine state is gone.'
        : `Engine data kept in ${layout.dataDir}.`;
    out.success(`${summary} ${data} Logs kept in ${layout.logsDir}.`);
    out.result({
      ok: true,
      stopped: results.map((r) => ({ id: r.id, pid: r.pid, outcome: r.outcome, ms: r.ms })),
      untracked: strayResults.map((r) => ({ pid: r.pid, outcome: r.outcome, ms: r.ms })),
      staleState: stale > 0,
      purged: purge,
      dataDir: layout.dataDir,
      logsDir: layout.logsDir,
    });
    return EXIT.ok;
  } finally {
    await releaseLock();
  }
}

/** Stops engines found by evidence; like tracked nodes, each is identity-checked before every signal. */
export async function stopStrays(
  ctx: CommandContext,
  strays: readonly FoundEngine[],
  graceMs: number,
): Promise<NodeStopResult[]> {
  const results = await stopNodes(
    strays.map((e) => ({ id: e.nodeId ?? -1, pid: e.pid, startTime: e.startTime })),
    graceMs,
    ctx.effects,
  );
  for (const r of results) {
    const line = `untracked engine pid ${r.pid}: ${r.outcome === 'graceful' ? 'stopped gracefully' : r.outcome === 'forced' ? 'killed after the grace period' : r.outcome}`;
    if (r.outcome === 'failed') ctx.out.error(line);
    else ctx.out.success(line);
  }
  if (results.some((r) => r.outcome === 'failed'))
    throw new UserError('Some untracked engine processes could not be stopped.', { code: 'stop-failed' });
  return results;
}

/** A corrupt state file is kept, renamed, for whoever wants to look at it; it is never just deleted. */
async function setCorruptStateAside(ctx: CommandContext): Promise<void> {
  const aside = `${ctx.layout.stateFile}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await rename(ctx.layout.stateFile, aside);
  ctx.out.warn(`The unreadable state file was moved to ${aside}.`);
}

/**
 * Stops every tracked node (the caller holds the lock), reports each, and forgets the cluster. If a
 * node survives SIGKILL the state is kept, since that process is still ours and still needs stopping.
 */
export async function stopTrackedCluster(
  ctx: CommandContext,
  state: ClusterState,
  graceMs: number,
): Promise<NodeStopResult[]> {
  const { out } = ctx;
  const results = await stopNodes(state.nodes, graceMs, ctx.effects);
  for (const r of results) {
    const line = describeStop(r);
    if (r.outcome === 'graceful') out.success(line);
    else if (r.outcome === 'failed') out.error(line);
    else out.warn(line);
  }
  // After the nodes: while they shut down they may still talk to each other through it.
  const proxy = state.linkProxy ? await stopLinkProxy(state.linkProxy, graceMs, ctx.effects) : undefined;
  if (proxy === 'failed') out.error(`the link proxy (pid ${state.linkProxy!.pid}) is still alive after SIGKILL`);
  else if (proxy === 'forced')
    out.warn(`the link proxy (pid ${state.linkProxy!.pid}) did not stop in time and was killed (SIGKILL)`);
  const failed = [...results.filter((r) => r.outcome === 'failed'), ...(proxy === 'failed' ? [proxy] : [])];
  if (failed.length > 0) {
    throw new UserError(
      `${failed.length} process(es) could not be stopped; the state file is kept so you can retry "${ctx.prog} stop".`,
      { code: 'stop-failed' },
    );
  }
  await removeClusterState(ctx.layout.stateFile);
  return results;
}

/** Deletes the engine data we own: our data/ folder only, never a recorded path from elsewhere. */
export async function purgeData(ctx: CommandContext): Promise<void> {
  await rm(ctx.layout.dataDir, { recursive: true, force: true });
}
