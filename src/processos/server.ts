// What the processos verbs do to the server: prepare a start (plan, binary, download), launch it and
// wait for its health, stop it by PID and start time, under the home's lock.
import { findEngineBinary } from '../binary/find.js';
import { hostGlibcVersion } from '../binary/host.js';
import type { ProcessosArgs } from '../kit/args.js';
import { knownCauses, lastLines } from '../binary/engine-output.js';
import { isOurs, statusOf } from '../os/process-identity.js';
import { MANAGED_BY } from '../cluster/plan.js';
import { waitForCluster } from '../cluster/readiness.js';
import { DEFAULT_START_TIMEOUT_S } from '../cluster/start-options.js';
import { parseSeconds } from '../values.js';
import { EXIT, invalidArgument, UserError } from '../errors.js';
import { readFrom } from '../logs/tail.js';
import type { ProbeResult } from '../os/http-probe.js';
import { logOffset } from '../os/spawn-node.js';
import { stopProcess, type StopOutcome } from '../os/stop-process.js';
import { UnsafePermissionsError } from '../os/trusted-path.js';
import { readConfig } from '../state/config.js';
import { ensurePrivateDir } from '../state/home.js';
import { acquireLock } from '../state/lock.js';
import type { CommandContext } from '../kit/context.js';
import { planProcessos, type ProcessosFlags, type ProcessosPlan } from './plan.js';
import { processosToRun, type ProcessosToRun } from './find.js';
import { processosSettings } from '../state/processos-settings.js';
import { removeProcessosState, writeProcessosState, type ProcessosState } from './state.js';

export const HEALTH_TIMEOUT_MS = 1_000;
export const healthy = (answer: ProbeResult): boolean => answer.kind === 'answers' && answer.status < 300;

export function spawnFlag(args: ProcessosArgs<'start' | 'restart'>): boolean | undefined {
  if (args.flags['spawn-nano'] === true && args.flags['no-spawn-nano'] === true)
    throw invalidArgument('--spawn-nano and --no-spawn-nano contradict each other; give one.');
  return args.flags['spawn-nano'] === true ? true : args.flags['no-spawn-nano'] === true ? false : undefined;
}

export interface Prepared {
  readonly plan: ProcessosPlan;
  readonly binary: ProcessosToRun;
  readonly timeoutMs: number;
}

/**
 * Flags, settings, both binaries, the plan; checked before anything else happens. The one side effect:
 * with a download URL, the published ProcessOS is fetched into the home when it changed (after the
 * plan, so bad flags are refused before any network call).
 */
export async function prepare(
  ctx: CommandContext,
  flags: ProcessosFlags,
  binaryFlag: string | undefined,
  timeout: string | undefined,
): Promise<Prepared> {
  const timeoutMs = parseSeconds('--timeout', timeout, DEFAULT_START_TIMEOUT_S);
  const config = await readConfig(ctx.layout.configFile);
  const settings = processosSettings(config, ctx.layout.configFile);
  let nanoBinary: string | undefined;
  try {
    nanoBinary = findEngineBinary({ configured: config.binary, env: ctx.env, cwd: ctx.cwd }).path;
  } catch (error) {
    // An unsafe engine binary is refused outright rather than quietly leaving ProcessOS without a pilot.
    if (error instanceof UnsafePermissionsError) throw error;
    nanoBinary = undefined; // the plan decides what that means (no pilot, with a warning)
  }
  const plan = planProcessos({
    flags,
    settings,
    userEnv: ctx.env,
    home: ctx.layout.home,
    defaultDataDir: ctx.layout.processos.defaultDataDir,
    nanoBinary,
  });
  const binary = await processosToRun({
    flag: binaryFlag,
    configured: settings.binary,
    settings,
    env: ctx.env,
    cwd: ctx.cwd,
    platform: ctx.platform,
    prog: ctx.prog,
    binDir: ctx.layout.processos.binDir,
    warn: (line) => ctx.out.warn(line),
    progress: (line) => ctx.out.progress(line),
  });
  return { plan, binary, timeoutMs };
}

/** What state, status and start's JSON say of the binary: for a downloaded one, its version and origin. */
export function recordedBinary(binary: ProcessosToRun): ProcessosState['binary'] {
  const { download } = binary;
  return {
    path: binary.path,
    source: binary.source,
    ...(download ? { version: download.version, downloadUrl: download.manifestUrl, fetched: download.fetched } : {}),
  };
}

export const alive = async (ctx: CommandContext, state: ProcessosState): Promise<boolean> =>
  isOurs(await statusOf(ctx.effects.readProcess, state.pid, state.startTime));

export async function withLock<T>(ctx: CommandContext, what: string, body: () => Promise<T>): Promise<T> {
  await ensurePrivateDir(ctx.layout.home);
  const release = await acquireLock(ctx.layout.processos.lockFile, what, { readProcess: ctx.effects.readProcess });
  try {
    return await body();
  } finally {
    await release();
  }
}

export async function launch(ctx: CommandContext, { plan, binary, timeoutMs }: Prepared): Promise<number> {
  const { out, layout, effects } = ctx;
  for (const warning of plan.warnings) out.warn(warning);
  await Promise.all([ensurePrivateDir(layout.logsDir), ensurePrivateDir(plan.dataDir)]);
  const log = layout.processos.log;
  const offset = logOffset(log);
  const began = effects.now();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  const child = await effects.spawnNode({
    binary: binary.path,
    env: { ...env, ...plan.env },
    cwd: plan.dataDir,
    logFile: log,
    banner: `--- c8ctl-nano: processos starting on port ${plan.port} at ${new Date().toISOString()} ---`,
  });
  const facts = await effects.readProcess(child.pid);
  const state: ProcessosState = {
    schema: 1,
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
  // Recorded before waiting, so a CLI that dies now still leaves a server that stop can find.
  try {
    await writeProcessosState(layout.processos.stateFile, state);
  } catch (error) {
    // Not recorded (a full disk, say), the server would run untracked: stop it and what it started.
    await stopServer(ctx, state, 5_000, true);
    throw error;
  }

  const outcome = await waitForCluster(
    [{ id: 0, url: plan.url, exit: child.exit, probePath: '/health', isUp: healthy }],
    timeoutMs,
    {
      probe: effects.probe,
      sleep: effects.sleep,
      interrupt: ctx.interrupt,
      requireLeaders: false,
      onProgress: () => out.progress(`Waiting for ProcessOS on ${plan.url}/health…`),
    },
  );
  out.progress('');
  if (outcome.kind !== 'ready') {
    const output = await readFrom(log, offset);
    await stopServer(ctx, state, 5_000, true);
    const undone = 'It was stopped and its state removed; the log is kept.';
    if (outcome.kind === 'interrupted')
      throw new UserError(`Start interrupted. ${undone}`, { exitCode: EXIT.interrupted, code: 'interrupted' });
    if (outcome.kind === 'timeout' || outcome.kind === 'displaced')
      throw new UserError(`ProcessOS did not answer ${plan.url}/health within ${timeoutMs / 1000} s. ${undone}`, {
        code: 'start-timeout',
        details: [`See ${log}; allow more time with --timeout.`],
      });
    const how = outcome.exit.signal
      ? `was killed by ${outcome.exit.signal}`
      : `exited with code ${outcome.exit.code ?? 'unknown'}`;
    const causes = knownCauses(output, { port: plan.port, hostGlibc: hostGlibcVersion(), binary: binary.path });
    const tail = lastLines(output, 15);
    throw new UserError(`ProcessOS ${how} while starting. ${undone}`, {
      code: 'server-exited',
      details: [
        ...causes.map((c) => `Cause: ${c}`),
        ...(tail.length > 0 ? [`Last lines of ${log}:`, ...tail.map((l) => `  ${l}`)] : [`Its log ${log} is empty.`]),
      ],
    });
  }
  child.release();
  const readyMs = Math.round(effects.now() - began);
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
    log,
    binary: state.binary,
  });
  return EXIT.ok;
}

/**
 * Stops the server's process tree, then anything of that tree that outlived it (a pilot engine that
 * was reparented, say), found by evidence: our marker and this server's port in its environment.
 */
export async function stopServer(
  ctx: CommandContext,
  state: ProcessosState,
  graceMs: number,
  quiet = false,
): Promise<{ outcome: StopOutcome; leftovers: number }> {
  const outcome = await stopProcess(state.pid, state.startTime, graceMs, ctx.effects);
  if (outcome === 'failed')
    throw new UserError(`ProcessOS (pid ${state.pid}) is still alive after SIGKILL; the state file is kept.`, {
      code: 'stop-failed',
    });
  const descendants = await ctx.effects.findProcesses(
    ctx.layout.home,
    (env) =>
      env.get(MANAGED_BY) === ctx.layout.home &&
      env.get('PROCESSOS_PORT') === String(state.port) &&
      env.get('PROCESSOS_DATA_DIR') === state.dataDir,
  );
  for (const d of descendants) await stopProcess(d.pid, d.startTime, graceMs, ctx.effects);
  await removeProcessosState(ctx.layout.processos.stateFile);
  if (!quiet && descendants.length > 0)
    ctx.out.warn(
      `Also stopped ${descendants.length} process(es) ProcessOS had started and left behind: pid ${descendants.map((d) => d.pid).join(', ')}.`,
    );
  return { outcome, leftovers: descendants.length };
}
