// `nano pause <id>` / `nano resume <id>`: SIGSTOP / SIGCONT one node, after proving it is ours.
// Whether a node is frozen is read from the OS, so it stays true whoever sent the signal.
import type { NanoArgs } from '../kit/args.js';
import { notRunningReason, statusOf } from '../os/process-identity.js';
import { failoverNote } from '../cluster/failover.js';
import { frozenLeaderIsReplaced } from '../cluster/tiers.js';
import { noClusterError, selectNode } from '../cluster/select-node.js';
import { readLeadership } from '../cluster/topology.js';
import { EXIT, UserError } from '../errors.js';
import { readClusterState, type ClusterState, type NodeRecord } from '../state/cluster-state.js';
import { acquireLock } from '../state/lock.js';
import type { CommandContext } from '../kit/context.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { PauseResult } from '../results/faults.js';
import { signalAndSettle } from '../ops/signal-node.js';

type Direction = 'pause' | 'resume';

const LEADERSHIP_TIMEOUT_MS = 800;

export const pauseCommand = (ctx: CommandContext, args: NanoArgs<'pause'>): Promise<number> =>
  freezeOrThaw(ctx, args, 'pause');
export const resumeCommand = (ctx: CommandContext, args: NanoArgs<'resume'>): Promise<number> =>
  freezeOrThaw(ctx, args, 'resume');

/** What each direction signals, and the state the OS then reports. */
const SIGNAL = { pause: 'SIGSTOP', resume: 'SIGCONT' } as const;
const TARGET = { pause: 'frozen', resume: 'running' } as const;

async function freezeOrThaw(
  ctx: CommandContext,
  args: NanoArgs<'pause' | 'resume'>,
  direction: Direction,
): Promise<number> {
  const { layout, effects } = ctx;
  if (ctx.platform === 'win32') throw unsupported(ctx, direction);
  const state = await readClusterState(layout.stateFile);
  if (!state) throw noClusterError(layout.home, ctx.prog);
  const node = selectNode(state, args.positionals[0], direction);
  const releaseLock = await acquireLock(layout.lockFile, `${direction} ${node.id}`, {
    readProcess: effects.readProcess,
  });
  try {
    const before = await statusOf(effects.readProcess, node.pid, node.startTime);
    if (before === TARGET[direction]) return alreadyThere(ctx, node, TARGET[direction]);
    if (before === 'exited' || before === 'stale') throw notRunning(ctx, node, before, direction);
    // What it leads can only be asked before it is frozen: afterwards it answers nothing.
    const led = direction === 'pause' ? await partitionsLedBy(ctx, node) : [];
    await signalAndSettle(ctx, node, SIGNAL[direction], TARGET[direction]);
    if (direction === 'pause') reportPaused(ctx, state, node, led);
    else reportResumed(ctx, node);
    return EXIT.ok;
  } finally {
    await releaseLock();
  }
}

function unsupported(ctx: CommandContext, direction: Direction): UserError {
  return new UserError(
    `${direction} is not supported on Windows: it has no SIGSTOP/SIGCONT. Use "${ctx.prog} node <id> stop" and "node <id> start" to take a node away and back.`,
    { code: 'unsupported' },
  );
}

function alreadyThere(ctx: CommandContext, node: NodeRecord, process: 'frozen' | 'running'): number {
  ctx.out.info(`Node ${node.id} (pid ${node.pid}) is already ${process}; nothing to do.`);
  ctx.out.result({
    schemaVersion: SCHEMA_VERSION,
    ok: true,
    node: node.id,
    pid: node.pid,
    process,
    changed: false,
  } satisfies PauseResult);
  return EXIT.ok;
}

/** The node is frozen: say so, what becomes of the partitions it led, and how to resume it. */
function reportPaused(ctx: CommandContext, state: ClusterState, node: NodeRecord, led: number[]): void {
  const { out } = ctx;
  out.success(
    `Node ${node.id} (pid ${node.pid}) is frozen (SIGSTOP): it keeps its PID and data but answers nothing. Resume it with "${ctx.prog} resume ${node.id}".`,
  );
  const failover = failoverNote(ctx.prog, state.settings, node.id, led);
  if (failover?.kind === 'warn') out.warn(failover.text);
  else if (failover) out.info(failover.text);
  out.result({
    schemaVersion: SCHEMA_VERSION,
    ok: true,
    node: node.id,
    pid: node.pid,
    process: 'frozen',
    changed: true,
    ledPartitions: led,
    replaced: led.length === 0 ? null : frozenLeaderIsReplaced(state.settings),
  } satisfies PauseResult);
}

function reportResumed(ctx: CommandContext, node: NodeRecord): void {
  ctx.out.success(`Node ${node.id} (pid ${node.pid}) is running again (SIGCONT).`);
  ctx.out.result({
    schemaVersion: SCHEMA_VERSION,
    ok: true,
    node: node.id,
    pid: node.pid,
    process: 'running',
    changed: true,
  } satisfies PauseResult);
}

/** Partitions this node leads now, by its own live topology; empty when it does not say. */
async function partitionsLedBy(ctx: CommandContext, node: NodeRecord): Promise<number[]> {
  const answer = await ctx.effects.probe.getJson(`${node.url}/console/api/topology`, LEADERSHIP_TIMEOUT_MS);
  const partitions = answer.kind === 'answers' && answer.status < 300 ? readLeadership(answer.body) : null;
  return (partitions ?? []).filter((p) => p.leader === node.id).map((p) => p.partition);
}

function notRunning(
  ctx: CommandContext,
  node: NodeRecord,
  status: 'exited' | 'stale',
  direction: Direction,
): UserError {
  return new UserError(
    `Node ${node.id} is not running (${notRunningReason(status, node.pid)}), so there is nothing to ${direction}. Bring it back with "${ctx.prog} node ${node.id} start".`,
    {
      code: 'node-not-running',
    },
  );
}
