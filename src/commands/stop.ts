// `nano stop [--purge] [--timeout <s>]`: stop every node we can prove is ours, then forget the cluster.
import { rm } from 'node:fs/promises';
import type { ParsedArgs } from '../cli/args.js';
import { describeStop, stopNodes, type NodeStopResult } from '../cluster/lifecycle.js';
import { DEFAULT_STOP_TIMEOUT_S, parseSeconds } from '../cluster/start-options.js';
import { EXIT, UserError } from '../errors.js';
import { readClusterState, removeClusterState, type ClusterState } from '../state/cluster-state.js';
import { acquireLock } from '../state/lock.js';
import type { CommandContext } from './context.js';

export async function stopCommand(ctx: CommandContext, args: ParsedArgs): Promise<number> {
  const { out, layout, effects } = ctx;
  const graceMs = parseSeconds('--timeout', typeof args.flags.timeout === 'string' ? args.flags.timeout : undefined, DEFAULT_STOP_TIMEOUT_S);
  const purge = args.flags.purge === true;

  const state = await readClusterState(layout.stateFile);
  if (state === null) {
    // Without state we cannot prove no engine of ours still uses the data, so --purge deletes nothing here.
    out.info(`Nothing to stop: no cluster is tracked in ${layout.home}.${purge ? ' No data was deleted.' : ''}`);
    out.result({ ok: true, stopped: [], purged: false, message: 'no cluster tracked' });
    return EXIT.ok;
  }

  const releaseLock = await acquireLock(layout.lockFile, 'stop', { readProcess: effects.readProcess });
  try {
    const results = await stopTrackedCluster(ctx, state, graceMs);
    if (purge) await purgeData(ctx);
    const stale = results.filter((r) => r.outcome === 'stale').length;
    const stopped = results.filter((r) => r.outcome === 'graceful' || r.outcome === 'forced').length;
    const summary =
      stopped === 0
        ? `No node was running${stale > 0 ? ' (the state was stale)' : ''}; the cluster is forgotten.`
        : `Cluster stopped (${stopped} of ${results.length} node(s) were running).`;
    out.success(`${summary} ${purge ? 'Engine data deleted.' : `Engine data kept in ${layout.dataDir}.`} Logs kept in ${layout.logsDir}.`);
    out.result({
      ok: true,
      stopped: results.map((r) => ({ id: r.id, pid: r.pid, outcome: r.outcome, ms: r.ms })),
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

/**
 * Stops every tracked node (the caller holds the lock), reports each, and forgets the cluster. If a
 * node survives SIGKILL the state is kept, since that process is still ours and still needs stopping.
 */
export async function stopTrackedCluster(ctx: CommandContext, state: ClusterState, graceMs: number): Promise<NodeStopResult[]> {
  const { out } = ctx;
  const results = await stopNodes(state.nodes, graceMs, ctx.effects);
  for (const r of results) {
    const line = describeStop(r);
    if (r.outcome === 'graceful') out.success(line);
    else if (r.outcome === 'failed') out.error(line);
    else out.warn(line);
  }
  const failed = results.filter((r) => r.outcome === 'failed');
  if (failed.length > 0) {
    throw new UserError(`${failed.length} node(s) could not be stopped; the state file is kept so you can retry "${ctx.prog} stop".`, { code: 'stop-failed' });
  }
  await removeClusterState(ctx.layout.stateFile);
  return results;
}

/** Deletes the engine data we own: our data/ folder only, never a recorded path from elsewhere. */
export async function purgeData(ctx: CommandContext): Promise<void> {
  await rm(ctx.layout.dataDir, { recursive: true, force: true });
}
