// `nano start [N]`: validate, check, spawn, record, wait, and roll back on any failure.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { findEngineBinary } from '../binary/find.js';
import { hostGlibcVersion } from '../binary/host.js';
import { checkEngineVersion } from '../binary/version.js';
import type { ParsedArgs } from '../cli/args.js';
import { knownCauses, lastLines } from '../cluster/diagnose.js';
import { anyAlive, describeStop, observeProcesses, stopNodes } from '../cluster/lifecycle.js';
import { planNodes, processEnv, raftEnabled, type NodePlan } from '../cluster/plan.js';
import { checkPortsFree } from '../cluster/preflight.js';
import { waitForCluster, type Progress, type ReadyOutcome } from '../cluster/readiness.js';
import { validateStart, type StartRequest } from '../cluster/start-options.js';
import type { PartitionLeadership } from '../cluster/topology.js';
import { EXIT, UserError } from '../errors.js';
import { SpawnError, logOffset, type SpawnedProcess } from '../os/spawn-node.js';
import { STATE_SCHEMA, readClusterState, removeClusterState, writeClusterState, type ClusterState, type NodeRecord } from '../state/cluster-state.js';
import { readConfig } from '../state/config.js';
import { ensurePrivateDir } from '../state/home.js';
import { acquireLock } from '../state/lock.js';
import type { CommandContext } from './context.js';

const ROLLBACK_GRACE_MS = 5_000;
const LOG_TAIL_LINES = 15;

export async function startCommand(ctx: CommandContext, args: ParsedArgs): Promise<number> {
  const { out, layout, effects } = ctx;
  const flag = (name: string): string | undefined => (typeof args.flags[name] === 'string' ? (args.flags[name] as string) : undefined);
  const request = validateStart({
    count: args.positionals[0],
    port: flag('port'),
    partitions: flag('partitions'),
    rf: flag('rf'),
    raft: args.flags.raft === true,
    capture: args.flags.capture === true,
    binary: flag('binary'),
    force: args.flags.force === true,
    timeout: flag('timeout'),
  });

  // Read-only checks first: a mistake here leaves disk and processes exactly as they were.
  const config = await readConfig(layout.configFile);
  const binary = findEngineBinary({ flag: request.binary, configured: config.binary, env: ctx.env, cwd: ctx.cwd });
  const hostGlibc = hostGlibcVersion();
  const version = await checkEngineVersion(binary.path, hostGlibc);
  if (version.warning) out.warn(version.warning);

  const ports = Array.from({ length: request.nodes }, (_, i) => request.basePort + i);
  const before = await readClusterState(layout.stateFile);
  const runningBefore = before !== null && anyAlive(await observeProcesses(before.nodes, effects.readProcess));
  if (runningBefore && !request.force) throw alreadyRunning(ctx, before);
  if (!runningBefore) await checkPortsFree(ports, effects, ctx.prog);

  await ensurePrivateDir(layout.home);
  const releaseLock = await acquireLock(layout.lockFile, 'start', { readProcess: effects.readProcess });
  try {
    // Look again under the lock: another start may have won the race since the first look.
    const existing = await readClusterState(layout.stateFile);
    if (existing) {
      const observed = await observeProcesses(existing.nodes, effects.readProcess);
      if (anyAlive(observed)) {
        if (!request.force) throw alreadyRunning(ctx, existing);
        out.info(`Stopping the running cluster first (--force)…`);
        const results = await stopNodes(existing.nodes, 10_000, effects);
        for (const r of results) out.info(`  ${describeStop(r)}`);
        if (results.some((r) => r.outcome === 'failed')) {
          throw new UserError('Could not stop the running cluster, so no new one was started.', { details: results.map(describeStop) });
        }
        await removeClusterState(layout.stateFile);
        await checkPortsFree(ports, effects, ctx.prog);
      } else {
        await removeClusterState(layout.stateFile);
        out.warn(`Removed stale state: the cluster started ${existing.createdAt} is no longer running.`);
      }
    }
    return await launch(ctx, request, { binary, version: version.version, workspaceDir: config.workspaceDir ?? layout.defaultWorkspace, hostGlibc });
  } finally {
    await releaseLock();
  }
}

function alreadyRunning(ctx: CommandContext, state: ClusterState): UserError {
  const ports = state.nodes.map((n) => n.port);
  return new UserError(
    `A cluster is already running (${state.nodes.length} node(s) on port${ports.length > 1 ? `s ${ports[0]}-${ports.at(-1)}` : ` ${ports[0]}`}).`,
    { code: 'already-running', details: [`See it with "${ctx.prog} status"; stop it with "${ctx.prog} stop", or replace it with "${ctx.prog} start … --force".`] },
  );
}

interface LaunchInputs {
  readonly binary: { readonly path: string; readonly source: string; readonly sourceLabel: string };
  readonly version: string | null;
  readonly workspaceDir: string;
  readonly hostGlibc: string | undefined;
}

async function launch(ctx: CommandContext, request: StartRequest, inputs: LaunchInputs): Promise<number> {
  const { out, layout, effects } = ctx;
  const plan = planNodes({ shape: request, layout, workspaceDir: inputs.workspaceDir, userEnv: ctx.env });

  await Promise.all([
    ensurePrivateDir(layout.logsDir),
    ensurePrivateDir(path.join(inputs.workspaceDir, 'models')),
    ensurePrivateDir(path.join(inputs.workspaceDir, 'workers')),
    ...plan.map((node) => ensurePrivateDir(node.dataDir)),
  ]);

  const began = effects.now();
  const offsets = plan.map((node) => logOffset(node.log));
  const spawned: Array<{ node: NodePlan; process: SpawnedProcess }> = [];
  const records: NodeRecord[] = [];
  const rollback = async (): Promise<void> => {
    const results = await stopNodes(records, ROLLBACK_GRACE_MS, effects);
    await removeClusterState(layout.stateFile);
    for (const r of results) if (r.outcome === 'failed' || r.outcome === 'forced') out.warn(describeStop(r));
  };

  // Spawn every node first, then read all their start times at once: no node waits on another.
  let spawnError: unknown;
  try {
    for (const node of plan) {
      const process = effects.spawnNode({
        binary: inputs.binary.path,
        env: processEnv(ctx.env, node.env),
        cwd: node.dataDir,
        logFile: node.log,
        banner: `--- c8ctl-nano: node ${node.id} starting on port ${node.port} at ${new Date().toISOString()} ---`,
      });
      spawned.push({ node, process });
    }
  } catch (error) {
    spawnError = error;
  }
  const facts = await Promise.all(spawned.map(({ process }) => effects.readProcess(process.pid)));
  records.push(
    ...spawned.map(({ node, process }, i) => ({
      id: node.id,
      port: node.port,
      url: node.url,
      pid: process.pid,
      // A process gone before we could read it never matches, so it is never signalled.
      startTime: facts[i]?.startTime ?? 'exited-before-recorded',
      log: node.log,
      dataDir: node.dataDir,
      env: node.env,
    })),
  );
  if (spawnError !== undefined) {
    await rollback();
    if (spawnError instanceof SpawnError) {
      throw new UserError(`Could not run the engine binary ${inputs.binary.path}: ${spawnError.message}.`, { code: 'spawn-failed' });
    }
    throw spawnError;
  }

  // Recorded before waiting: a CLI killed mid-start leaves nodes that status and stop can still find.
  const state: ClusterState = {
    schema: STATE_SCHEMA,
    createdAt: new Date().toISOString(),
    settings: { nodes: request.nodes, basePort: request.basePort, partitions: request.partitions, rf: request.rf, raft: raftEnabled(request), capture: request.capture },
    binary: { path: inputs.binary.path, source: inputs.binary.source, version: inputs.version },
    workspaceDir: inputs.workspaceDir,
    nodes: records,
  };
  try {
    await writeClusterState(layout.stateFile, state);
  } catch (error) {
    await rollback();
    throw error;
  }

  const outcome = await waitForCluster(
    spawned.map(({ node, process }) => ({ id: node.id, url: node.url, exit: process.exit })),
    request.timeoutMs,
    { probe: effects.probe, sleep: effects.sleep, interrupt: ctx.interrupt, onProgress: (p) => out.progress(progressLine(p)) },
  );
  out.progress('');

  if (outcome.kind !== 'ready') {
    const failure = await describeFailure(outcome, plan, offsets, inputs, request);
    await rollback();
    throw failure;
  }

  for (const { process } of spawned) process.release();
  const readyMs = Math.round(effects.now() - began);
  printSummary(ctx, state, outcome.leadership, readyMs, inputs);
  out.result({
    ok: true,
    cluster: 'running',
    readyMs,
    home: layout.home,
    settings: state.settings,
    binary: { ...state.binary, sourceLabel: inputs.binary.sourceLabel },
    workspaceDir: state.workspaceDir,
    nodes: records.map(({ env: _env, ...node }) => node),
    partitions: outcome.leadership,
    restApi: `${records[0]!.url}/v2`,
    console: `${records[0]!.url}/console`,
  });
  return EXIT.ok;
}

function progressLine(p: Progress): string {
  if (p.up < p.total) return `Waiting for nodes: ${p.up}/${p.total} answering…`;
  if (p.leaderless && p.leaderless.length > 0) return `All ${p.total} node(s) answering; waiting for leaders of partition(s) ${p.leaderless.join(', ')}…`;
  return `All ${p.total} node(s) answering…`;
}

async function readLogSince(file: string, offset: number): Promise<string> {
  try {
    return (await readFile(file)).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

async function describeFailure(outcome: Exclude<ReadyOutcome, { kind: 'ready' }>, plan: readonly NodePlan[], offsets: readonly number[], inputs: LaunchInputs, request: StartRequest): Promise<UserError> {
  const rolledBack = 'Every node started was stopped and the state removed; logs are kept.';
  if (outcome.kind === 'interrupted') {
    return new UserError(`Start interrupted. ${rolledBack}`, { exitCode: EXIT.interrupted, code: 'interrupted' });
  }
  if (outcome.kind === 'exited') {
    const node = plan[outcome.nodeId]!;
    const output = await readLogSince(node.log, offsets[outcome.nodeId] ?? 0);
    const how = outcome.exit.signal ? `was killed by ${outcome.exit.signal}` : `exited with code ${outcome.exit.code ?? 'unknown'}`;
    const causes = knownCauses(output, { port: node.port, hostGlibc: inputs.hostGlibc, binary: inputs.binary.path });
    const tail = lastLines(output, LOG_TAIL_LINES);
    return new UserError(`Node ${node.id} (port ${node.port}) ${how} while starting. ${rolledBack}`, {
      code: 'node-exited',
      details: [
        ...causes.map((c) => `Cause: ${c}`),
        ...(tail.length > 0 ? [`Last lines of ${node.log}:`, ...tail.map((l) => `  ${l}`)] : [`Its log ${node.log} is empty.`]),
      ],
    });
  }
  const seconds = request.timeoutMs / 1000;
  const waiting =
    outcome.notUp.length > 0
      ? `node(s) ${outcome.notUp.join(', ')} never answered on /v2/topology`
      : `partition(s) ${(outcome.leaderless ?? []).join(', ')} had no leader yet`;
  return new UserError(`The cluster was not ready after ${seconds} s: ${waiting}. ${rolledBack}`, {
    code: 'start-timeout',
    details: [`Look at the logs in ${path.dirname(plan[0]!.log)}; allow more time with --timeout <seconds>.`],
  });
}

function printSummary(ctx: CommandContext, state: ClusterState, leadership: PartitionLeadership[] | null, readyMs: number, inputs: LaunchInputs): void {
  const { out } = ctx;
  const s = state.settings;
  const first = state.nodes[0]!;
  out.success(
    `Nano cluster ready in ${(readyMs / 1000).toFixed(2)} s: ${s.nodes} node(s), ${s.partitions} partition(s), RF ${s.rf}, Raft ${s.raft ? 'on' : 'off'}${s.capture ? ', trace capture on' : ''}`,
  );
  for (const node of state.nodes) out.info(`  node ${node.id}  ${node.url}  pid ${node.pid}`);
  if (leadership && s.raft) {
    out.info(`  leaders   ${leadership.map((p) => `p${p.partition}→node ${p.leader}`).join(', ')}`);
  }
  out.info(`  REST API  ${first.url}/v2`);
  out.info(`  Console   ${first.url}/console`);
  out.info(`  Engine    ${inputs.version ?? 'unknown version'} (${inputs.binary.sourceLabel})`);
  out.info(`  Logs      ${ctx.layout.logsDir}`);
  out.info(`Check it with "${ctx.prog} status"; stop it with "${ctx.prog} stop".`);
}
