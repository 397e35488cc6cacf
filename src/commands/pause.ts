// `nano pause <id>` / `nano resume <id>`: SIGSTOP / SIGCONT one node, after proving it is ours.
// Whether a node is frozen is read from the OS, so it stays true whoever sent the signal.
import type { NanoArgs } from '../kit/args.js';
import { notRunningReason, statusOf, type ProcessStatus } from '../os/process-identity.js';
import { pollUntil } from '../os/poll.js';
import { failoverNote } from '../cluster/failover.js';
import { frozenLeaderIsReplaced } from '../cluster/tiers.js';
import { noClusterError, selectNode } from '../cluster/select-node.js';
import { readLeadership } from '../cluster/topology.js';
import { EXIT, UserError } from '../errors.js';
import { readClusterState, type NodeRecord } from '../state/cluster-state.js';
import { acquireLock } from '../state/lock.js';
import type { CommandContext } from '../kit/context.js';

type Direction = 'pause' | 'resume';

const SETTLE_MS = 2_000;
const LEADERSHIP_TIMEOUT_MS = 800;

export const pauseCommand = (ctx: CommandContext, args: NanoArgs<'pause'>): Promise<number> =>
  freezeOrThaw(ctx, args, 'pause');
export const resumeCommand = (ctx: CommandContext, args: NanoArgs<'resume'>): Promise<number> =>
  freezeOrThaw(ctx, args, 'resume');

async function freezeOrThaw(
  ctx: CommandContext,
  args: NanoArgs<'pause' | 'resume'>,
  direction: Direction,
): Promise<number> {
  const { out, layout, effects } = ctx;
  if (ctx.platform === 'win32') {
    throw new UserError(
      `${direction} is not supported on Windows: it has no SIGSTOP/SIGCONT. Use "${ctx.prog} node <id> stop" and "node <id> start" to take a node away and back.`,
      { code: 'unsupported' },
    );
  }
  const state = await readClusterState(layout.stateFile);
  if (!state) throw noClusterError(layout.home, ctx.prog);
  const node = selectNode(state, args.positionals[0], direction);

  const releaseLock = await acquireLock(layout.lockFile, `${direction} ${node.id}`, {
    readProcess: effects.readProcess,
  });
  try {
    const status = (): Promise<ProcessStatus> => statusOf(effects.readProcess, node.pid, node.startTime);
    const before = await status();
    const already = direction === 'pause' ? 'frozen' : 'running';
    if (before === already) {
      out.info(`Node ${node.id} (pid ${node.pid}) is already ${already}; nothing to do.`);
      out.result({ ok: true, node: node.id, pid: node.pid, process: before, changed: false });
      return EXIT.ok;
    }
    if (before === 'exited' || before === 'stale') throw notRunning(ctx, node, before, direction);

    // What it leads can only be asked before it is frozen: afterwards it answers nothing.
    const led = direction === 'pause' ? await partitionsLedBy(ctx, node) : [];
    effects.signals.signal(node.pid, direction === 'pause' ? 'SIGSTOP' : 'SIGCONT');
    const target: ProcessStatus = direction === 'pause' ? 'frozen' : 'running';
    // The kernel applies SIGSTOP/SIGCONT asynchronously: wait briefly until the OS reports the new state.
    let after: ProcessStatus = before;
    await pollUntil(
      async () => {
        after = await status();
        return after === target;
      },
      SETTLE_MS,
      effects,
    );
    if (after !== target)
      throw new UserError(`Node ${node.id} (pid ${node.pid}) did not become ${target} (it is ${after}).`, {
        code: 'signal-failed',
      });

    const failover = direction === 'pause' ? failoverNote(ctx.prog, state.settings, node.id, led) : null;
    if (direction === 'pause') {
      out.success(
        `Node ${node.id} (pid ${node.pid}) is frozen (SIGSTOP): it keeps its PID and data but answers nothing. Resume it with "${ctx.prog} resume ${node.id}".`,
      );
      if (failover?.kind === 'warn') out.warn(failover.text);
      else if (failover) out.info(failover.text);
    } else {
      out.success(`Node ${node.id} (pid ${node.pid}) is running again (SIGCONT).`);
    }
    out.result({
      ok: true,
      node: node.id,
      pid: node.pid,
      process: after,
      changed: true,
      ...(direction === 'pause'
        ? { ledPartitions: led, replaced: led.length === 0 ? null : frozenLeaderIsReplaced(state.settings) }
        : {}),
    });
    return EXIT.ok;
  } finally {
    await releaseLock();
  }
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
