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
import type { CommandContext } from '../kit/context.js';
import { purgeData, setCorruptStateAside, stopStrays, stopTrackedCluster } from '../ops/stop-cluster.js';

export async function stopCommand(ctx: CommandContext, args: NanoArgs<'stop'>): Promise<number> {
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
