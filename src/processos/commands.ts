// `processos start|stop|restart|status|logs`: one ProcessOS server, with the same guarantees as nano:
// identity-checked tracking, readiness with fail fast, a stop that takes down its whole tree (the pilot
// engine it spawned included), logs kept.
import { findEngineBinary } from '../binary/find.js';
import { hostGlibcVersion } from '../binary/host.js';
import { stringFlag, type ParsedArgs } from '../kit/args.js';
import { knownCauses, lastLines } from '../binary/engine-output.js';
import { isOurs, statusOf } from '../os/process-identity.js';
import { MANAGED_BY } from '../cluster/plan.js';
import { checkPortsFree } from '../cluster/preflight.js';
import { waitForCluster } from '../cluster/readiness.js';
import { DEFAULT_START_TIMEOUT_S, DEFAULT_STOP_TIMEOUT_S } from '../cluster/start-options.js';
import { parseSeconds, parseWholeNumber } from '../values.js';
import { clusterWord, exitCodeFor } from '../cluster/status-model.js';
import { EXIT, invalidArgument, UserError } from '../errors.js';
import { fileSizes, followFiles, readFrom, readLastLines } from '../logs/tail.js';
import type { ProbeResult } from '../os/http-probe.js';
import { logOffset } from '../os/spawn-node.js';
import { stopProcess, type StopOutcome } from '../os/stop-process.js';
import { UnsafePermissionsError } from '../os/trusted-path.js';
import { readConfig } from '../state/config.js';
import { ensurePrivateDir } from '../state/home.js';
import { acquireLock } from '../state/lock.js';
import type { CommandContext } from '../kit/context.js';
import { DEFAULT_PROCESSOS_PORT, planProcessos, type ProcessosFlags, type ProcessosPlan } from './plan.js';
import { processosToRun, type ProcessosToRun } from './find.js';
import { processosSettings } from '../state/processos-settings.js';
import { readProcessosState, removeProcessosState, writeProcessosState, type ProcessosState } from './state.js';

const HEALTH_TIMEOUT_MS = 1_000;
const healthy = (answer: ProbeResult): boolean => answer.kind === 'answers' && answer.status < 300;

function spawnFlag(args: ParsedArgs): boolean | undefined {
  if (args.flags['spawn-nano'] === true && args.flags['no-spawn-nano'] === true)
    throw invalidArgument('--spawn-nano and --no-spawn-nano contradict each other; give one.');
  return args.flags['spawn-nano'] === true ? true : args.flags['no-spawn-nano'] === true ? false : undefined;
}

interface Prepared {
  readonly plan: ProcessosPlan;
  readonly binary: ProcessosToRun;
  readonly timeoutMs: number;
}

/**
 * Flags, settings, both binaries, the plan; checked before anything else happens. The one side effect:
 * with a download URL, the published ProcessOS is fetched into the home when it changed (after the
 * plan, so bad flags are refused before any network call).
 */
async function prepare(
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
function recordedBinary(binary: ProcessosToRun): ProcessosState['binary'] {
  const { download } = binary;
  return {
    path: binary.path,
    source: binary.source,
    ...(download ? { version: download.version, downloadUrl: download.manifestUrl, fetched: download.fetched } : {}),
  };
}

const alive = async (ctx: CommandContext, state: ProcessosState): Promise<boolean> =>
  isOurs(await statusOf(ctx.effects.readProcess, state.pid, state.startTime));

export async function processosStart(ctx: CommandContext, args: ParsedArgs): Promise<number> {
  const prepared = await prepare(
    ctx,
    { port: stringFlag(args, 'port'), nanoUrl: stringFlag(args, 'nano-url'), spawnNano: spawnFlag(args) },
    stringFlag(args, 'binary'),
    stringFlag(args, 'timeout'),
  );
  const existing = await readProcessosState(ctx.layout.processos.stateFile);
  const running = existing !== null && (await alive(ctx, existing));
  if (running && args.flags.force !== true) {
    throw new UserError(`ProcessOS is already running (pid ${existing.pid}, ${existing.url}).`, {
      code: 'already-running',
      details: [`Stop it with "${ctx.prog} stop", or replace it with "${ctx.prog} start --force".`],
    });
  }
  if (!running)
    await checkPortsFree([prepared.plan.port], ctx.effects, ctx.prog, (port) => `${ctx.prog} start --port ${port}`);
  return withLock(ctx, 'processos start', async () => {
    const current = await readProcessosState(ctx.layout.processos.stateFile);
    if (current && (await alive(ctx, current))) {
      if (args.flags.force !== true)
        throw new UserError(`ProcessOS is already running (pid ${current.pid}).`, { code: 'already-running' });
      await stopServer(ctx, current, DEFAULT_STOP_TIMEOUT_S * 1000);
      await checkPortsFree([prepared.plan.port], ctx.effects, ctx.prog, (port) => `${ctx.prog} start --port ${port}`);
    } else if (current) {
      await removeProcessosState(ctx.layout.processos.stateFile);
      ctx.out.warn(`Removed stale state: the ProcessOS started ${current.createdAt} is no longer running.`);
    }
    return launch(ctx, prepared);
  });
}

async function withLock<T>(ctx: CommandContext, what: string, body: () => Promise<T>): Promise<T> {
  await ensurePrivateDir(ctx.layout.home);
  const release = await acquireLock(ctx.layout.processos.lockFile, what, { readProcess: ctx.effects.readProcess });
  try {
    return await body();
  } finally {
    await release();
  }
}

async function launch(ctx: CommandContext, { plan, binary, timeoutMs }: Prepared): Promise<number> {
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
async function stopServer(
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

export async function processosStop(ctx: CommandContext, args: ParsedArgs): Promise<number> {
  const graceMs = parseSeconds('--timeout', stringFlag(args, 'timeout'), DEFAULT_STOP_TIMEOUT_S);
  const state = await readProcessosState(ctx.layout.processos.stateFile);
  if (state === null) {
    ctx.out.info(`Nothing to stop: no ProcessOS is tracked in ${ctx.layout.home}.`);
    ctx.out.result({ ok: true, stopped: false });
    return EXIT.ok;
  }
  return withLock(ctx, 'processos stop', async () => {
    const began = ctx.effects.now();
    const { outcome, leftovers } = await stopServer(ctx, state, graceMs);
    const ms = Math.round(ctx.effects.now() - began);
    const what =
      outcome === 'graceful'
        ? `stopped gracefully in ${ms} ms`
        : outcome === 'forced'
          ? 'did not stop in time and was killed (SIGKILL)'
          : outcome === 'stale'
            ? `was not running (pid ${state.pid} now belongs to another process; left alone)`
            : 'was not running';
    if (outcome === 'graceful' || outcome === 'forced')
      ctx.out.success(
        `ProcessOS (pid ${state.pid}) ${what}, with everything it had started. Log kept in ${state.log}.`,
      );
    else ctx.out.warn(`ProcessOS (pid ${state.pid}) ${what}; its state is cleared.`);
    ctx.out.result({ ok: true, stopped: true, pid: state.pid, outcome, ms, leftoversStopped: leftovers });
    return EXIT.ok;
  });
}

export async function processosRestart(ctx: CommandContext, args: ParsedArgs): Promise<number> {
  const previous = await readProcessosState(ctx.layout.processos.stateFile);
  const flags: ProcessosFlags = {
    port: stringFlag(args, 'port') ?? (previous ? String(previous.port) : undefined),
    nanoUrl: stringFlag(args, 'nano-url') ?? previous?.nanoUrl,
    spawnNano: spawnFlag(args) ?? previous?.spawnNano,
  };
  const binaryFlag =
    stringFlag(args, 'binary') ?? (previous?.binary.source === 'flag' ? previous.binary.path : undefined);
  const prepared = await prepare(ctx, flags, binaryFlag, stringFlag(args, 'timeout'));
  return withLock(ctx, 'processos restart', async () => {
    const current = await readProcessosState(ctx.layout.processos.stateFile);
    if (current) await stopServer(ctx, current, DEFAULT_STOP_TIMEOUT_S * 1000);
    await checkPortsFree([prepared.plan.port], ctx.effects, ctx.prog, (port) => `${ctx.prog} restart --port ${port}`);
    return launch(ctx, prepared);
  });
}

export async function processosStatus(ctx: CommandContext): Promise<number> {
  const { out, effects } = ctx;
  const state = await readProcessosState(ctx.layout.processos.stateFile);
  if (state === null) {
    const config = await readConfig(ctx.layout.configFile);
    const port = processosSettings(config, ctx.layout.configFile).port ?? DEFAULT_PROCESSOS_PORT;
    const answer = await effects.probe.getJson(`http://127.0.0.1:${port}/health`, HEALTH_TIMEOUT_MS);
    const external = healthy(answer);
    out.info(
      external
        ? `Something answers /health on port ${port} (not started by c8ctl): running.`
        : `No ProcessOS is tracked in ${ctx.layout.home} and nothing answers on port ${port}: stopped.`,
    );
    const code = external ? EXIT.ok : EXIT.stopped;
    out.result({ managed: false, running: external, port, exitCode: code });
    return code;
  }
  const process = await statusOf(effects.readProcess, state.pid, state.startTime);
  const answer =
    process === 'running' ? await effects.probe.getJson(`${state.url}/health`, HEALTH_TIMEOUT_MS) : undefined;
  const http =
    answer === undefined
      ? 'not-probed'
      : answer.kind === 'answers'
        ? answer.status < 300
          ? 'answers'
          : 'error'
        : answer.kind;
  const word = clusterWord([{ process, http }]);
  out.info(
    `ProcessOS (managed): ${word} — pid ${state.pid}, process ${process}, /health ${http === 'not-probed' ? 'not asked' : http}`,
  );
  out.info(
    `  ${state.url}/  ·  target ${state.nanoUrl}  ·  pilot engine ${state.spawnNano ? 'on' : 'off'}  ·  log ${state.log}`,
  );
  out.info(
    `  binary ${state.binary.path}${state.binary.version !== undefined ? ` (ProcessOS ${state.binary.version}, downloaded from ${state.binary.downloadUrl})` : ` (from ${state.binary.source})`}`,
  );
  if (word === 'stopped')
    out.info(`It is not running. "${ctx.prog} start" starts it; "${ctx.prog} stop" clears the state.`);
  out.result({
    managed: true,
    state: word,
    pid: state.pid,
    process,
    http,
    url: state.url,
    nanoUrl: state.nanoUrl,
    spawnNano: state.spawnNano,
    binary: state.binary,
    exitCode: exitCodeFor(word),
  });
  return exitCodeFor(word);
}

export async function processosLogs(ctx: CommandContext, args: ParsedArgs): Promise<number> {
  const { out } = ctx;
  const linesText = stringFlag(args, 'lines');
  const count = linesText === undefined ? 50 : parseWholeNumber(linesText);
  if (count === undefined)
    throw invalidArgument(`--lines "${linesText}" is not a whole number of lines. Example: -n 200`);
  const follow = args.flags.follow === true;
  if (follow && out.mode === 'json')
    throw invalidArgument('--follow cannot be combined with --json: a followed log never ends as one JSON document.');
  const log = ctx.layout.processos.log;
  const [end = 0] = await fileSizes([log]);
  if (end === 0 && !follow)
    throw new UserError(`No ProcessOS log in ${log} yet. Start it with "${ctx.prog} start".`, { code: 'no-logs' });
  const lines = await readLastLines(log, count, end);
  for (const line of lines) out.info(line);
  out.result({ log, lines });
  if (follow)
    await followFiles([{ node: 0, file: log, from: end }], ctx.interrupt, ctx.effects.sleep, {
      line: (_n, text) => out.info(text),
      notice: (_n, text) => out.warn(text),
    });
  return EXIT.ok;
}
