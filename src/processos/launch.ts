// Launching the ProcessOS server (start, restart): spawn it with its plan, record it before waiting so
// a CLI that dies still leaves it findable, wait for its /health, and on failure undo the start and
// say why (its exit, the known causes, the tail of its log).
import { hostGlibcVersion } from '../binary/host.js';
import { knownCauses, lastLines } from '../binary/engine-output.js';
import { waitForCluster, type ReadyOutcome } from '../cluster/readiness.js';
import { EXIT, UserError } from '../errors.js';
import type { CommandContext } from '../kit/context.js';
import { readFrom } from '../logs/tail.js';
import { logOffset, type SpawnedProcess } from '../os/spawn-node.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { ProcessosStartResult } from '../results/processos.js';
import { ensurePrivateDir } from '../state/home.js';
import type { ProcessosPlan } from './plan.js';
import { healthy, recordedBinary, stopServer, type Prepared } from './server.js';
import { writeProcessosState, type ProcessosState } from './state.js';

/** How long a start that failed gives the server to stop before it is killed. */
const UNDO_GRACE_MS = 5_000;

/** The server spawned by this start, and recorded. */
interface Spawned {
  readonly child: SpawnedProcess;
  readonly state: ProcessosState;
}

export async function launch(ctx: CommandContext, prepared: Prepared): Promise<number> {
  const { plan, timeoutMs } = prepared;
  for (const warning of plan.warnings) ctx.out.warn(warning);
  await Promise.all([ensurePrivateDir(ctx.layout.logsDir), ensurePrivateDir(plan.dataDir)]);
  const offset = logOffset(ctx.layout.processos.log);
  const began = ctx.effects.now();
  const spawned = await spawnRecorded(ctx, prepared);
  const outcome = await waitHealthy(ctx, plan, spawned.child, timeoutMs);
  ctx.out.progress('');
  if (outcome.kind !== 'ready') throw await undoStart(ctx, prepared, spawned.state, offset, outcome);
  spawned.child.release();
  reportReady(ctx, prepared, spawned, Math.round(ctx.effects.now() - began));
  return EXIT.ok;
}

/** The variables of our own environment that are set, which the server inherits under its plan's. */
function inherited(env: NodeJS.ProcessEnv): Record<string, string> {
  const set: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) set[k] = v;
  return set;
}

async function spawnRecorded(ctx: CommandContext, { plan, binary }: Prepared): Promise<Spawned> {
  const { layout, effects } = ctx;
  const log = layout.processos.log;
  const child = await effects.spawnNode({
    binary: binary.path,
    env: { ...inherited(ctx.env), ...plan.env },
    cwd: plan.dataDir,
    logFile: log,
    // A wall-clock date for the person reading the log (effects.now is a monotonic clock, not a date).
    banner: `--- c8ctl-nano: processos starting on port ${plan.port} at ${new Date().toISOString()} ---`,
  });
  const facts = await effects.readProcess(child.pid);
  const state: ProcessosState = {
    schema: 1,
    // A wall-clock date too: status and the stale-state warning show when it was started.
    createdAt: new Date().toISOString(),
    pid: child.pid,
    startTime: facts?.startTime ?? 'exited-before-recorded',
    port: plan.port,
    url: plan.url,
    nanoUrl: plan.nanoUrl,
    spawnNano: plan.spawnNano,
    dataDir: plan.dataDir,
    log,
    binary: recordedBinary(binary),
  };
  try {
    await writeProcessosState(layout.processos.stateFile, state);
  } catch (error) {
    // Not recorded (a full disk, say), the server would run untracked: stop it and what it started.
    await stopServer(ctx, state, UNDO_GRACE_MS, true);
    throw error;
  }
  return { child, state };
}

function waitHealthy(
  ctx: CommandContext,
  plan: ProcessosPlan,
  child: SpawnedProcess,
  timeoutMs: number,
): Promise<ReadyOutcome> {
  const { effects, out } = ctx;
  return waitForCluster([{ id: 0, url: plan.url, exit: child.exit, probePath: '/health', isUp: healthy }], timeoutMs, {
    probe: effects.probe,
    sleep: effects.sleep,
    now: effects.now,
    interrupt: ctx.interrupt,
    requireLeaders: false,
    onProgress: () => out.progress(`Waiting for ProcessOS on ${plan.url}/health…`),
  });
}

/** Stops the server that did not come up and returns the error that says why, for the caller to throw. */
async function undoStart(
  ctx: CommandContext,
  { plan, binary, timeoutMs }: Prepared,
  state: ProcessosState,
  offset: number,
  outcome: Exclude<ReadyOutcome, { kind: 'ready' }>,
): Promise<UserError> {
  const log = ctx.layout.processos.log;
  const output = await readFrom(log, offset);
  await stopServer(ctx, state, UNDO_GRACE_MS, true);
  const undone = 'It was stopped and its state removed; the log is kept.';
  if (outcome.kind === 'interrupted')
    return new UserError(`Start interrupted. ${undone}`, { exitCode: EXIT.interrupted, code: 'interrupted' });
  if (outcome.kind === 'timeout' || outcome.kind === 'displaced')
    return new UserError(`ProcessOS did not answer ${plan.url}/health within ${timeoutMs / 1000} s. ${undone}`, {
      code: 'start-timeout',
      details: [`See ${log}; allow more time with --timeout.`],
    });
  const how = outcome.exit.signal
    ? `was killed by ${outcome.exit.signal}`
    : `exited with code ${outcome.exit.code ?? 'unknown'}`;
  const causes = knownCauses(output, { port: plan.port, hostGlibc: hostGlibcVersion(), binary: binary.path });
  const tail = lastLines(output, 15);
  return new UserError(`ProcessOS ${how} while starting. ${undone}`, {
    code: 'server-exited',
    details: [
      ...causes.map((c) => `Cause: ${c}`),
      ...(tail.length > 0 ? [`Last lines of ${log}:`, ...tail.map((l) => `  ${l}`)] : [`Its log ${log} is empty.`]),
    ],
  });
}

function reportReady(
  ctx: CommandContext,
  { plan, binary }: Prepared,
  { child, state }: Spawned,
  readyMs: number,
): void {
  const { out } = ctx;
  out.success(
    `ProcessOS ready in ${(readyMs / 1000).toFixed(2)} s (pid ${child.pid})${plan.spawnNano ? ', with its own pilot engine' : ', no pilot engine'}`,
  );
  out.info(`  Start here   ${plan.url}/  (landing)`);
  out.info(`  Cockpit      ${plan.url}/cockpit`);
  out.info(`  Health       ${plan.url}/health`);
  out.info(`  Target Nano  ${plan.nanoUrl}`);
  out.info(`Stop it with "${ctx.prog} stop".`);
  if (binary.download)
    out.info(
      `Binary: ProcessOS ${binary.download.version}, ${binary.download.fetched ? 'downloaded now' : 'installed'} from ${binary.download.manifestUrl}.`,
    );
  out.result({
    schemaVersion: SCHEMA_VERSION,
    ok: true,
    running: true,
    readyMs,
    pid: child.pid,
    url: plan.url,
    landing: `${plan.url}/`,
    cockpit: `${plan.url}/cockpit`,
    health: `${plan.url}/health`,
    nanoUrl: plan.nanoUrl,
    spawnNano: plan.spawnNano,
    dataDir: plan.dataDir,
    log: state.log,
    binary: state.binary,
  } satisfies ProcessosStartResult);
}
