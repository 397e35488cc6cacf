// `nano node <id> stop|kill|start|restart`: failover drills on one node. The cluster stays tracked
// throughout; a stopped or killed node shows as exited in status until it is started again.
import { constants as osConstants } from 'node:os';
import type { NanoArgs } from '../kit/args.js';
import { isOurs, notRunningReason, statusOf } from '../os/process-identity.js';
import { pollUntil } from '../os/poll.js';
import { describeStop } from '../cluster/lifecycle.js';
import { waitForCluster } from '../cluster/readiness.js';
import { noClusterError, selectNode } from '../cluster/select-node.js';
import { DEFAULT_START_TIMEOUT_S, DEFAULT_STOP_TIMEOUT_S } from '../cluster/start-options.js';
import { parseSeconds } from '../values.js';
import { cannotRunOnThisHost } from '../binary/host.js';
import { platformIdOf } from '../binary/executable-format.js';
import { EXIT, invalidArgument, UserError } from '../errors.js';
import { stopProcess } from '../os/stop-process.js';
import { assertTrusted } from '../os/trusted-path.js';
import { readClusterState, type ClusterState, type NodeRecord } from '../state/cluster-state.js';
import { acquireLock } from '../state/lock.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type {
  NodeKillResult,
  NodeResult,
  NodeStartedResult,
  NodeStopResult,
  NodeUnchangedResult,
} from '../results/cluster.js';
import type { CommandContext } from '../kit/context.js';
import { respawnRecorded } from '../ops/respawn.js';
import { describeStartFailure, readinessEffects, rollBack } from '../ops/spawning.js';
import { crashNote } from '../cluster/failover.js';

const ACTIONS = ['stop', 'kill', 'start', 'restart'] as const;
type Action = (typeof ACTIONS)[number];
const KILL_CONFIRM_MS = 5_000;

/** What the command line asks of the node, every value checked before the node is touched. */
interface NodeRequest {
  readonly action: Action;
  readonly signal: NodeJS.Signals;
  /** Grace period for stop. */
  readonly graceMs: number;
  /** How long start and restart wait for the node to answer. */
  readonly readyMs: number;
}

export function parseSignal(text: string | undefined): NodeJS.Signals {
  if (text === undefined) return 'SIGKILL';
  const name = (
    text.toUpperCase().startsWith('SIG') ? text.toUpperCase() : `SIG${text.toUpperCase()}`
  ) as NodeJS.Signals;
  if (!(name in osConstants.signals)) {
    throw invalidArgument(
      `--signal "${text}" is not a signal name this system knows. Examples: SIGKILL, SIGTERM, SIGINT, SIGABRT.`,
    );
  }
  return name;
}

export async function nodeCommand(ctx: CommandContext, args: NanoArgs<'node'>): Promise<number> {
  const { layout, effects } = ctx;
  const state = await readClusterState(layout.stateFile);
  if (!state) throw noClusterError(layout.home, ctx.prog);
  const node = selectNode(state, args.positionals[0], 'node');
  const request = nodeRequest(ctx, args, node.id);
  // The recorded binary is run again: refused before the node is touched if others could have swapped it since.
  if (request.action === 'start' || request.action === 'restart') assertTrusted(state.binary.path, 'program');

  const releaseLock = await acquireLock(layout.lockFile, `node ${node.id} ${request.action}`, {
    readProcess: effects.readProcess,
  });
  try {
    // Re-read under the lock: the record may have changed since (another node start, a stop).
    const current = await readClusterState(layout.stateFile);
    if (!current) throw noClusterError(layout.home, ctx.prog);
    const record = current.nodes.find((n) => n.id === node.id)!;
    ctx.out.result(await act(ctx, request, current, record));
    return EXIT.ok;
  } finally {
    await releaseLock();
  }
}

function nodeRequest(ctx: CommandContext, args: NanoArgs<'node'>, id: number): NodeRequest {
  const actionText = args.positionals[1];
  if (actionText === undefined || !(ACTIONS as readonly string[]).includes(actionText)) {
    throw invalidArgument(
      `${actionText === undefined ? 'Missing action' : `Unknown action "${actionText}"`} for node ${id}; use one of: ${ACTIONS.join(', ')}. Example: ${ctx.prog} node ${id} kill`,
    );
  }
  const action = actionText as Action;
  if (args.flags.signal !== undefined && action !== 'kill')
    throw invalidArgument(`--signal goes with "kill" only, not "${action}".`);
  const signal = parseSignal(args.flags.signal);
  // Every value is checked before the node is touched: a bad --timeout must not leave it half restarted.
  const timeout = args.flags.timeout;
  if (timeout !== undefined && action === 'kill')
    throw invalidArgument(`--timeout goes with stop, start and restart, not "kill" (a crash has no grace period).`);
  return {
    action,
    signal,
    graceMs: parseSeconds('--timeout', action === 'stop' ? timeout : undefined, DEFAULT_STOP_TIMEOUT_S),
    readyMs: parseSeconds(
      '--timeout',
      action === 'start' || action === 'restart' ? timeout : undefined,
      DEFAULT_START_TIMEOUT_S,
    ),
  };
}

/** Does what was asked (the caller holds the lock) and returns the --json document. */
async function act(
  ctx: CommandContext,
  request: NodeRequest,
  state: ClusterState,
  record: NodeRecord,
): Promise<NodeResult> {
  switch (request.action) {
    case 'stop':
      return stopOne(ctx, record, request.graceMs);
    case 'kill':
      return killOne(ctx, state, record, request.signal);
    case 'start':
      return startOne(ctx, state, record, request.readyMs, 'start');
    case 'restart':
      // stop + start, reported as one result (JSON mode prints a single document): start's.
      await stopOne(ctx, record, request.graceMs);
      return startOne(ctx, state, record, request.readyMs, 'restart');
  }
}

async function stopOne(ctx: CommandContext, node: NodeRecord, graceMs: number): Promise<NodeStopResult> {
  const began = ctx.effects.now();
  const outcome = await stopProcess(node.pid, node.startTime, graceMs, ctx.effects);
  const line = describeStop({ id: node.id, pid: node.pid, outcome, ms: Math.round(ctx.effects.now() - began) });
  if (outcome === 'failed') throw new UserError(line, { code: 'stop-failed' });
  if (outcome === 'graceful' || outcome === 'forced')
    ctx.out.success(`${line}. It stays in the cluster; bring it back with "${ctx.prog} node ${node.id} start".`);
  else ctx.out.info(line);
  return {
    schemaVersion: SCHEMA_VERSION,
    ok: true,
    node: node.id,
    pid: node.pid,
    action: 'stop',
    outcome,
  } satisfies NodeStopResult;
}

async function killOne(
  ctx: CommandContext,
  state: ClusterState,
  node: NodeRecord,
  signal: NodeJS.Signals,
): Promise<NodeResult> {
  const { effects, out } = ctx;
  const status = await statusOf(effects.readProcess, node.pid, node.startTime);
  if (!isOurs(status))
    throw new UserError(`Node ${node.id} is not running (${notRunningReason(status, node.pid)}); nothing to kill.`, {
      code: 'node-not-running',
    });
  // Only the node's own process: a crash takes down the process, not a tree we would have to walk.
  effects.signals.signal(node.pid, signal);
  if (signal === 'SIGKILL')
    await pollUntil(
      async () => !isOurs(await statusOf(effects.readProcess, node.pid, node.startTime)),
      KILL_CONFIRM_MS,
      effects,
    );
  out.success(
    `Sent ${signal} to node ${node.id} (pid ${node.pid})${signal === 'SIGKILL' ? ': it crashed as a real failure would' : ''}. Watch with "${ctx.prog} status"; bring it back with "${ctx.prog} node ${node.id} start".`,
  );
  // Under quorum the failover displaces, which status and heal already say; under leader-durable, what it loses.
  const loss =
    signal === 'SIGKILL' && state.settings.replication === 'leader-durable'
      ? crashNote(ctx.prog, state.settings)
      : null;
  if (loss) out.warn(loss);
  return {
    schemaVersion: SCHEMA_VERSION,
    ok: true,
    node: node.id,
    pid: node.pid,
    action: 'kill',
    signal,
  } satisfies NodeKillResult;
}

async function startOne(
  ctx: CommandContext,
  state: ClusterState,
  node: NodeRecord,
  timeoutMs: number,
  action: 'start' | 'restart',
): Promise<NodeResult> {
  const status = await statusOf(ctx.effects.readProcess, node.pid, node.startTime);
  if (isOurs(status)) {
    ctx.out.info(`Node ${node.id} (pid ${node.pid}) is already ${status}; nothing to start.`);
    return {
      schemaVersion: SCHEMA_VERSION,
      ok: true,
      node: node.id,
      pid: node.pid,
      action,
      changed: false,
    } satisfies NodeUnchangedResult;
  }
  refuseWrongPlatform(ctx, state.binary.path);
  // The same binary, environment and data dir it had: the node rejoins as itself.
  const { spawned } = await respawnRecorded(ctx, state, [node]);
  // "Up" is enough here: with peers down, partitions may not get leaders, and that is the drill.
  const outcome = await waitForCluster(spawned.waiting, timeoutMs, { ...readinessEffects(ctx), requireLeaders: false });
  if (outcome.kind !== 'ready') {
    const failure = await describeStartFailure(outcome, {
      home: ctx.layout.home,
      targets: [node],
      offsets: spawned.offsets,
      binary: state.binary.path,
      timeoutMs,
      prog: ctx.prog,
      undone: 'It was stopped again; the cluster still tracks it as exited.',
    });
    await rollBack(ctx, spawned.records);
    throw failure;
  }
  spawned.release();
  const pid = spawned.records[0]!.pid;
  const inMemory = state.settings.storage === 'memory';
  ctx.out.success(
    inMemory
      ? `Node ${node.id} is back on port ${node.port} (pid ${pid}), empty: the cluster runs in memory (--in-memory), so nothing it held before survived.`
      : `Node ${node.id} is back on port ${node.port} (pid ${pid}), on its previous data.`,
  );
  return {
    schemaVersion: SCHEMA_VERSION,
    ok: true,
    node: node.id,
    pid,
    action,
    changed: true,
    data: inMemory ? 'none' : 'kept',
  } satisfies NodeStartedResult;
}

/** The binary may have been replaced since the cluster started (a rebuild for another target, say). */
function refuseWrongPlatform(ctx: CommandContext, binary: string): void {
  const wrong = cannotRunOnThisHost(binary);
  if (wrong)
    throw new UserError(
      `${binary} ${wrong}. Use the ${platformIdOf({ platform: ctx.platform, arch: process.arch })} engine: restart the cluster with it ("${ctx.prog} restart --binary <path>").`,
      { code: 'binary-wrong-platform' },
    );
}
