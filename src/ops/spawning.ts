// Spawning tracked nodes, stopping them again, and explaining why they failed to come up; shared by
// start, restart and `node start`. What it reads beyond the Effects (log sizes and tails, free space,
// the date in a log banner) comes through HostReads, so a test can hand in its own.
import path from 'node:path';
import { diskFullEvidence, knownCauses, lastLines } from '../binary/engine-output.js';
import { describeStop, stopNodes } from '../cluster/lifecycle.js';
import { CLUSTER_SECRET, processEnv } from '../cluster/plan.js';
import { redact } from '../cluster/redact.js';
import { describeDisplaced, displacementAdvice } from '../cluster/displacement.js';
import type { ReadinessDeps, ReadyOutcome, RecoveringPartition, WaitingNode } from '../cluster/readiness.js';
import { EXIT, UserError } from '../errors.js';
import { SpawnError, type SpawnedProcess } from '../os/spawn-node.js';
import type { NodeRecord } from '../state/cluster-state.js';
import type { CommandContext } from '../kit/context.js';
import { realHostReads, type HostReads } from './host-reads.js';

/** What a node needs to be spawned; a NodePlan and a NodeRecord both qualify. */
export type SpawnTarget = Pick<NodeRecord, 'id' | 'port' | 'url' | 'dataDir' | 'log' | 'env'>;

export interface SpawnedNodes {
  readonly records: NodeRecord[];
  readonly waiting: WaitingNode[];
  /** Where each node's log stood before this run, so a failure shows only this run's output. */
  readonly offsets: ReadonlyMap<number, number>;
  /** Lets this CLI exit while the nodes keep running. */
  release(): void;
}

/** A wait that did not end ready: what the start did was undone, and `error` says why and how to exit. */
export interface NotReady {
  readonly kind: 'not-ready';
  readonly reason: Exclude<ReadyOutcome['kind'], 'ready'>;
  readonly error: UserError;
  /** The error's exit code: EXIT.interrupted after Ctrl-C, else EXIT.failure. */
  readonly exitCode: number;
}

export const ROLLBACK_GRACE_MS = 5_000;
const LOG_TAIL_LINES = 15;

/** The effects a readiness wait runs on: the probe, the clock, sleep, and Ctrl-C. */
export function readinessEffects(ctx: CommandContext): Pick<ReadinessDeps, 'probe' | 'sleep' | 'now' | 'interrupt'> {
  const { effects } = ctx;
  return { probe: effects.probe, sleep: effects.sleep, now: effects.now, interrupt: ctx.interrupt };
}

/** Stops nodes of a failed start; quiet unless something needed force or survived. */
export async function rollBack(ctx: CommandContext, records: readonly NodeRecord[]): Promise<void> {
  const results = await stopNodes(records, ROLLBACK_GRACE_MS, ctx.effects);
  for (const r of results) if (r.outcome === 'failed' || r.outcome === 'forced') ctx.out.warn(describeStop(r));
}

interface Spawned {
  readonly target: SpawnTarget;
  readonly process: SpawnedProcess;
}

/** Spawns every target; if one cannot be spawned, those already running are stopped and the error thrown. */
export async function spawnNodes(
  ctx: CommandContext,
  binary: string,
  targets: readonly SpawnTarget[],
  reads: HostReads = realHostReads,
): Promise<SpawnedNodes> {
  const offsets = new Map(targets.map((t) => [t.id, reads.logSize(t.log)] as const));
  const { spawned, error } = await spawnEach(ctx, binary, targets, reads);
  // All spawned first, then all their start times read at once: no node waits on another.
  const records = await recordsOf(ctx, spawned);
  if (error !== undefined) {
    await rollBack(ctx, records);
    throw error instanceof SpawnError
      ? new UserError(`Could not run the engine binary ${binary}: ${error.message}.`, { code: 'spawn-failed' })
      : error;
  }
  return {
    records,
    waiting: spawned.map(({ target, process }) => ({ id: target.id, url: target.url, exit: process.exit })),
    offsets,
    release: () => {
      for (const { process } of spawned) process.release();
    },
  };
}

/** Spawns the targets in turn, up to the first that fails: what runs, and that failure. */
async function spawnEach(
  ctx: CommandContext,
  binary: string,
  targets: readonly SpawnTarget[],
  reads: HostReads,
): Promise<{ readonly spawned: Spawned[]; readonly error?: unknown }> {
  const spawned: Spawned[] = [];
  try {
    for (const target of targets) {
      const process = await ctx.effects.spawnNode({
        binary,
        env: processEnv(ctx.env, target.env),
        // An in-memory node has no data dir; the home is a directory that exists and is ours.
        cwd: target.env.NANOBPMN_DATA_DIR === undefined ? ctx.layout.home : target.dataDir,
        logFile: target.log,
        banner: `--- c8ctl-nano: node ${target.id} starting on port ${target.port} at ${reads.date().toISOString()} ---`,
      });
      spawned.push({ target, process });
    }
    return { spawned };
  } catch (error) {
    return { spawned, error };
  }
}

async function recordsOf(ctx: CommandContext, spawned: readonly Spawned[]): Promise<NodeRecord[]> {
  const facts = await Promise.all(spawned.map(({ process }) => ctx.effects.readProcess(process.pid)));
  return spawned.map(({ target, process }, i) => ({
    id: target.id,
    port: target.port,
    url: target.url,
    pid: process.pid,
    // A process gone before we could read it never matches, so it is never signalled.
    startTime: facts[i]?.startTime ?? 'exited-before-recorded',
    log: target.log,
    dataDir: target.dataDir,
    env: target.env,
  }));
}

export interface FailureContext {
  /** The state home the nodes' data lives under. */
  readonly home: string;
  readonly targets: readonly SpawnTarget[];
  readonly offsets: ReadonlyMap<number, number>;
  readonly binary: string;
  readonly timeoutMs: number;
  /** How the user runs us, for the commands a message suggests. */
  readonly prog: string;
  /** What was undone, e.g. "Every node started was stopped and the state removed; logs are kept." */
  readonly undone: string;
  /** What was undone when the environment is to blame (a full disk): said instead of `undone`. */
  readonly undoneFully?: string;
}

/** A start that failed on its environment (the disk is full): the caller undoes everything, logs too. */
export const ENVIRONMENT_FAILURE = 'disk-full';

type Failed<K extends ReadyOutcome['kind']> = Extract<ReadyOutcome, { kind: K }>;

export async function describeStartFailure(
  outcome: Exclude<ReadyOutcome, { kind: 'ready' }>,
  f: FailureContext,
  reads: HostReads = realHostReads,
): Promise<UserError> {
  switch (outcome.kind) {
    case 'interrupted':
      return new UserError(`Start interrupted. ${f.undone}`, { exitCode: EXIT.interrupted, code: 'interrupted' });
    case 'exited':
      return exitedFailure(outcome, f, reads);
    case 'displaced':
      return new UserError(
        `The kept engine data came back with leaders away from their owners: ${describeDisplaced(outcome.displaced)}. Under --replication quorum this engine never gives them back. ${f.undone}`,
        { code: 'displaced', details: displacementAdvice(outcome.displaced, f.prog) },
      );
    case 'timeout':
      return timeoutFailure(outcome, f);
  }
}

/** A node exited while starting: the disk is full (said in one line), or its known causes and log tail. */
async function exitedFailure(outcome: Failed<'exited'>, f: FailureContext, reads: HostReads): Promise<UserError> {
  const node = f.targets.find((t) => t.id === outcome.nodeId)!;
  const secret = node.env[CLUSTER_SECRET];
  const output = redact(await reads.readLogFrom(node.log, f.offsets.get(node.id) ?? 0), secret ? [secret] : []);
  const how = outcome.exit.signal
    ? `was killed by ${outcome.exit.signal}`
    : `exited with code ${outcome.exit.code ?? 'unknown'}`;
  const full = diskFullEvidence(output, await reads.freeBytes(node.dataDir));
  if (full !== undefined) {
    // One line: the cause is known and the engine's backtrace helps nobody here.
    return new UserError(
      `Node ${node.id} (port ${node.port}) ${how} while starting: the disk holding the state home ${f.home} is full (${full}). Free some space there (df -h '${f.home}'), or set C8CTL_NANO_HOME to a directory on another disk. ${f.undoneFully ?? f.undone}`,
      { code: ENVIRONMENT_FAILURE },
    );
  }
  const causes = knownCauses(output, { port: node.port, hostGlibc: reads.hostGlibc(), binary: f.binary });
  const tail = lastLines(output, LOG_TAIL_LINES);
  return new UserError(`Node ${node.id} (port ${node.port}) ${how} while starting. ${f.undone}`, {
    code: 'node-exited',
    details: [
      ...causes.map((c) => `Cause: ${c}`),
      ...(tail.length > 0
        ? [`Last lines of ${node.log}:`, ...tail.map((l) => `  ${l}`)]
        : [`Its log ${node.log} is empty.`]),
    ],
  });
}

function timeoutFailure(outcome: Failed<'timeout'>, f: FailureContext): UserError {
  const unreached = [...outcome.unreached].filter(([, peers]) => peers.length > 0);
  const waiting =
    outcome.notUp.length > 0
      ? `node(s) ${outcome.notUp.join(', ')} never answered on /v2/topology`
      : unreached.length > 0
        ? `nodes could not reach their peers (${unreached.map(([id, peers]) => `node ${id} → ${peers.join(', ')}`).join('; ')})`
        : unsettledPartitions(outcome.leaderless ?? [], outcome.recovering ?? []);
  const stuckRecovering =
    outcome.notUp.length === 0 &&
    unreached.length === 0 &&
    (outcome.leaderless ?? []).length === 0 &&
    (outcome.recovering ?? []).length > 0;
  return new UserError(`The cluster was not ready after ${f.timeoutMs / 1000} s: ${waiting}. ${f.undone}`, {
    code: 'start-timeout',
    details: [
      `Look at the logs in ${path.dirname(f.targets[0]!.log)}; allow more time with --timeout <seconds>.`,
      // Measured with engine 0.0.22: more time does not help then (40 s changed nothing).
      ...(stuckRecovering
        ? [
            `"Recovering" means led by a node other than its owner. If the kept data was displaced under --replication quorum, "${f.prog} restart --replication leader-durable" gives every partition back to its owner, keeping the data; "${f.prog} restart --purge" starts afresh.`,
          ]
        : []),
    ],
  });
}

/** Which partitions kept the cluster from being ready, told apart: no leader, or a leader still recovering. */
export function unsettledPartitions(leaderless: readonly number[], recovering: readonly RecoveringPartition[]): string {
  const parts: string[] = [];
  if (leaderless.length > 0) parts.push(`partition(s) ${leaderless.join(', ')} had no leader yet`);
  if (recovering.length > 0) {
    parts.push(
      `partition(s) ${recovering.map((r) => `${r.partition} (led by node ${r.leader})`).join(', ')} still reported recovering`,
    );
  }
  return parts.length > 0 ? parts.join('; ') : 'partition leaders had not settled';
}

/** Explains the failed wait, undoes the start (by `undo`), and says so as a NotReady outcome. */
export async function notReady(
  outcome: Exclude<ReadyOutcome, { kind: 'ready' }>,
  f: FailureContext,
  undo: (error: UserError) => Promise<void>,
  reads: HostReads = realHostReads,
): Promise<NotReady> {
  const error = await describeStartFailure(outcome, f, reads);
  await undo(error);
  return { kind: 'not-ready', reason: outcome.kind, error, exitCode: error.exitCode };
}
