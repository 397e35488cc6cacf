// Stopping what a home runs: the tracked cluster (gracefully, then by force after the grace period),
// strays found by evidence, and the data when asked. An operation: `stop`, `start` and `restart` call it.
import { rename, rm } from 'node:fs/promises';
import { describeStop, stopNodes, type NodeStopResult } from '../cluster/lifecycle.js';
import type { StopOutcome } from '../os/stop-process.js';
import type { FoundEngine } from '../os/find-engines.js';
import { UserError } from '../errors.js';
import { removeClusterState, type ClusterState } from '../state/cluster-state.js';
import { stopLinkProxy } from '../links/supervise.js';
import type { CommandContext } from '../kit/context.js';
import { realHostReads } from './host-reads.js';

/** A process stopped, or found not to need it: one still alive after SIGKILL fails the stop instead. */
export type SettledStop = NodeStopResult & { readonly outcome: Exclude<StopOutcome, 'failed'> };

const settled = (r: NodeStopResult): r is SettledStop => r.outcome !== 'failed';

/** Stops engines found by evidence; like tracked nodes, each is identity-checked before every signal. */
export async function stopStrays(
  ctx: CommandContext,
  strays: readonly FoundEngine[],
  graceMs: number,
): Promise<SettledStop[]> {
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
  if (!results.every(settled))
    throw new UserError('Some untracked engine processes could not be stopped.', { code: 'stop-failed' });
  return results;
}

/** A corrupt state file is kept, renamed, for whoever wants to look at it; it is never just deleted. */
export async function setCorruptStateAside(ctx: CommandContext, date = realHostReads.date): Promise<void> {
  const aside = `${ctx.layout.stateFile}.corrupt-${date().toISOString().replace(/[:.]/g, '-')}`;
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
): Promise<SettledStop[]> {
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
  if (!results.every(settled) || proxy === 'failed') {
    const failed = results.filter((r) => !settled(r)).length + (proxy === 'failed' ? 1 : 0);
    throw new UserError(
      `${failed} process(es) could not be stopped; the state file is kept so you can retry "${ctx.prog} stop".`,
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
