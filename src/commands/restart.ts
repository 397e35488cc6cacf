// `nano restart [N]`: stop and start again with the previous cluster's shape unless flags change it.
// The previous shape comes from the running cluster, or from the last one started (kept after stop);
// with neither there is nothing to restart, and the refusal names the `start` command instead.
import type { NanoArgs } from '../kit/args.js';
import { checkPortsFree } from '../cluster/preflight.js';
import { DEFAULT_STOP_TIMEOUT_S, validateStart, type RawStartArgs } from '../cluster/start-options.js';
import { parseWholeNumber } from '../values.js';
import { invalidArgument, UserError } from '../errors.js';
import type { ClusterSettings } from '../state/cluster-state.js';
import { readClusterState } from '../state/cluster-state.js';
import { readJsonFile } from '../state/files.js';
import { ensurePrivateDir } from '../state/home.js';
import { readConfig } from '../state/config.js';
import { readLastCluster } from '../state/last-cluster.js';
import { acquireLock } from '../state/lock.js';
import type { CommandContext } from '../kit/context.js';
import { shapeFlags } from '../kit/shape-flags.js';
import { launch, type LaunchOutcome } from '../ops/launch.js';
import { checkKeptData, prepareLaunch, type LaunchInputs } from '../ops/launch-inputs.js';
import { launchedResult, printSummary } from '../ops/start-summary.js';
import { purgeData, stopTrackedCluster } from '../ops/stop-cluster.js';
import type { StartRequest } from '../cluster/start-options.js';

interface Previous {
  readonly settings: ClusterSettings;
  readonly binary: { readonly path: string; readonly source: string };
}

type RestartValueFlag = 'binary' | 'timeout' | 'port' | 'partitions' | 'rf' | 'replication' | 'console' | 'history-max';

/** Flags win; otherwise the previous cluster's values; partitions follow a changed node count unless customised. */
export function restartArgs(args: NanoArgs<'restart'>, previous: Previous | null): RawStartArgs {
  const given = (name: RestartValueFlag): string | undefined => args.flags[name];
  const count = args.positionals[0];
  if (previous === null) {
    return {
      ...shapeFlags(args),
      count,
      binary: given('binary'),
      timeout: given('timeout'),
      networkFaults: args.flags['network-faults'] === true,
    };
  }
  const p = previous.settings;
  const nodes = count === undefined ? p.nodes : Number(count);
  const nodesChanged = count !== undefined && count !== String(p.nodes);
  // Custom partitions are carried while every node still gets one; otherwise they follow the count.
  const carryPartitions = !nodesChanged || (p.partitions !== p.nodes && p.partitions >= nodes);
  return {
    count: count ?? String(p.nodes),
    port: given('port') ?? String(p.basePort),
    partitions: given('partitions') ?? (carryPartitions ? String(p.partitions) : undefined),
    rf: given('rf') ?? String(p.rf),
    // Raft was on by flag only when rf was 1; with rf > 1 it follows from rf anyway.
    raft: args.flags.raft === true || (p.raft && p.rf === 1),
    capture: args.flags.capture === true || p.capture,
    // A binary chosen explicitly last time is chosen again; one found by resolution is found afresh.
    binary: given('binary') ?? (previous.binary.source === 'flag' ? previous.binary.path : undefined),
    timeout: given('timeout'),
    replication: given('replication'),
    previousReplication: p.raft ? p.replication : undefined,
    inMemory: args.flags['in-memory'] === true || p.storage === 'memory',
    console: given('console'),
    previousConsole: p.console,
    historyMax: given('history-max') ?? (p.historyMax === null ? undefined : String(p.historyMax)),
    networkFaults: args.flags['network-faults'] === true || p.networkFaults === true,
  };
}

/** The start command that does what this restart asked for, flags and all, for the refusal below. */
export function equivalentStart(prog: string, args: NanoArgs<'restart'>): string {
  const words = [`${prog} start`, ...args.positionals];
  for (const name of ['port', 'partitions', 'rf', 'binary', 'timeout'] as const) {
    const value = args.flags[name];
    if (value !== undefined)
      words.push(`--${name} ${/^[\w./:=@+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`}`);
  }
  for (const name of ['raft', 'capture'] as const) if (args.flags[name] === true) words.push(`--${name}`);
  return words.join(' ');
}

/** Restart with no cluster running and none remembered: there is no shape to bring back. */
async function nothingToRestart(ctx: CommandContext, args: NanoArgs<'restart'>): Promise<UserError> {
  const { layout } = ctx;
  const last = await readJsonFile(layout.lastClusterFile);
  const why =
    last.kind === 'missing'
      ? `no cluster runs in ${layout.home} and none ran there before`
      : `no cluster runs in ${layout.home} and the last one's shape in ${layout.lastClusterFile} ${last.kind === 'corrupt' ? `cannot be read: it is ${last.reason}` : 'is malformed'}`;
  return new UserError(`Nothing to restart: ${why}. Start one: "${equivalentStart(ctx.prog, args)}".`, {
    code: 'no-cluster',
  });
}

export async function restartCommand(ctx: CommandContext, args: NanoArgs<'restart'>): Promise<number> {
  const { layout } = ctx;
  const running = await readClusterState(layout.stateFile);
  const previous: Previous | null = running ?? (await readLastCluster(layout.lastClusterFile));
  const raw = { ...restartArgs(args, previous), env: ctx.env };
  // A replication factor carried from before may not fit a smaller cluster: say where it came from.
  const count = raw.count === undefined ? undefined : parseWholeNumber(raw.count);
  if (previous && args.flags.rf === undefined && count !== undefined && count >= 1 && previous.settings.rf > count) {
    throw invalidArgument(
      `The previous cluster had RF ${previous.settings.rf}, more than the ${raw.count} node(s) asked for. Give --rf from 1 to ${raw.count}, e.g. "${ctx.prog} restart ${raw.count} --rf 1".`,
    );
  }
  const request = validateStart(raw);
  // Everything the new cluster needs is checked before the old one is touched.
  // Nothing is started, stopped or written without a cluster to restart: `start` is the command for that.
  if (previous === null) {
    // Settings another user planted are named as such, whatever else is wrong.
    await readConfig(layout.configFile);
    throw await nothingToRestart(ctx, args);
  }
  const inputs = await prepareLaunch(ctx, request);
  const purge = args.flags.purge === true;
  // Kept data that the new shape cannot serve is refused before the running cluster is stopped.
  if (!purge) await checkKeptData(ctx, request);

  await ensurePrivateDir(layout.home);
  const outcome = await restartLocked(ctx, request, inputs, purge);
  if (outcome.kind === 'not-ready') throw outcome.error;
  printSummary(ctx, outcome);
  ctx.out.result(launchedResult(layout.home, outcome));
  return outcome.exitCode;
}

/** Under the lock: stop what runs, delete the data if asked, launch the new cluster. */
async function restartLocked(
  ctx: CommandContext,
  request: StartRequest,
  inputs: LaunchInputs,
  purge: boolean,
): Promise<LaunchOutcome> {
  const { out, layout, effects } = ctx;
  const releaseLock = await acquireLock(layout.lockFile, 'restart', { readProcess: effects.readProcess });
  try {
    const current = await readClusterState(layout.stateFile);
    if (current) await stopTrackedCluster(ctx, current, DEFAULT_STOP_TIMEOUT_S * 1000);
    if (purge) {
      await purgeData(ctx);
      out.info(`Deleted engine data in ${layout.dataDir}.`);
    }
    await checkPortsFree(
      Array.from({ length: request.nodes }, (_, i) => request.basePort + i),
      effects,
      ctx.prog,
    );
    return await launch(ctx, request, inputs);
  } finally {
    await releaseLock();
  }
}
