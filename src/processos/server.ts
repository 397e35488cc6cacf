// What the processos verbs do to the server: prepare a start (plan, binary, download), stop it by PID
// and start time, under the home's lock. Launching it is launch.ts.
import { findEngineBinary } from '../binary/find.js';
import type { ProcessosArgs } from '../kit/args.js';
import { isOurs, statusOf } from '../os/process-identity.js';
import { MANAGED_BY } from '../cluster/plan.js';
import { DEFAULT_START_TIMEOUT_S } from '../cluster/start-options.js';
import { parseSeconds } from '../values.js';
import { invalidArgument, UserError } from '../errors.js';
import type { ProbeResult } from '../os/http-probe.js';
import { stopProcess, type StopOutcome } from '../os/stop-process.js';
import { UnsafePermissionsError } from '../os/trusted-path.js';
import { readConfig } from '../state/config.js';
import { ensurePrivateDir } from '../state/home.js';
import { acquireLock } from '../state/lock.js';
import type { CommandContext } from '../kit/context.js';
import { planProcessos, type ProcessosFlags, type ProcessosPlan } from './plan.js';
import { processosToRun, type ProcessosToRun } from './find.js';
import { processosSettings } from '../state/processos-settings.js';
import { removeProcessosState, type ProcessosState } from './state.js';

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

/**
 * Stops the server's process tree, then anything of that tree that outlived it (a pilot engine that
 * was reparented, say), found by evidence: our marker and this server's port in its environment.
 */
export async function stopServer(
  ctx: CommandContext,
  state: ProcessosState,
  graceMs: number,
  quiet = false,
): Promise<{ outcome: Exclude<StopOutcome, 'failed'>; leftovers: number }> {
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
