// `processos start|stop|restart|status|logs`: one ProcessOS server, with the same guarantees as nano:
// identity-checked tracking, readiness with fail fast, a stop that takes down its whole tree (the pilot
// engine it spawned included), logs kept. What they do to the server is in server.ts and launch.ts.
import type { ProcessosArgs } from '../kit/args.js';
import { statusOf } from '../os/process-identity.js';
import { checkPortsFree } from '../cluster/preflight.js';
import { DEFAULT_STOP_TIMEOUT_S } from '../cluster/start-options.js';
import { parseSeconds, parseWholeNumber } from '../values.js';
import { clusterWord, exitCodeFor, type HttpStatus } from '../cluster/status-model.js';
import { EXIT, invalidArgument, UserError } from '../errors.js';
import { fileSizes, followFiles, readLastLines } from '../logs/tail.js';
import { readConfig } from '../state/config.js';
import type { CommandContext } from '../kit/context.js';
import { DEFAULT_PROCESSOS_PORT, type ProcessosFlags } from './plan.js';
import { processosSettings } from '../state/processos-settings.js';
import { readProcessosState, removeProcessosState, type ProcessosState } from './state.js';
import type { ProbeResult } from '../os/http-probe.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type {
  ProcessosLogsResult,
  ProcessosStatusResult,
  ProcessosStopDoneResult,
  ProcessosStopResult,
} from '../results/processos.js';
import { HEALTH_TIMEOUT_MS, healthy, spawnFlag, prepare, alive, withLock, stopServer } from './server.js';
import { launch } from './launch.js';

export async function processosStart(ctx: CommandContext, args: ProcessosArgs<'start'>): Promise<number> {
  const prepared = await prepare(
    ctx,
    { port: args.flags.port, nanoUrl: args.flags['nano-url'], spawnNano: spawnFlag(args) },
    args.flags.binary,
    args.flags.timeout,
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

export async function processosStop(ctx: CommandContext, args: ProcessosArgs<'stop'>): Promise<number> {
  const graceMs = parseSeconds('--timeout', args.flags.timeout, DEFAULT_STOP_TIMEOUT_S);
  const state = await readProcessosState(ctx.layout.processos.stateFile);
  if (state === null) {
    ctx.out.info(`Nothing to stop: no ProcessOS is tracked in ${ctx.layout.home}.`);
    ctx.out.result({ schemaVersion: SCHEMA_VERSION, ok: true, stopped: false } satisfies ProcessosStopResult);
    return EXIT.ok;
  }
  return withLock(ctx, 'processos stop', async () => {
    const began = ctx.effects.now();
    const { outcome, leftovers } = await stopServer(ctx, state, graceMs);
    const ms = Math.round(ctx.effects.now() - began);
    const what = stopSentence(outcome, state.pid, ms);
    if (outcome === 'graceful' || outcome === 'forced')
      ctx.out.success(
        `ProcessOS (pid ${state.pid}) ${what}, with everything it had started. Log kept in ${state.log}.`,
      );
    else ctx.out.warn(`ProcessOS (pid ${state.pid}) ${what}; its state is cleared.`);
    ctx.out.result({
      schemaVersion: SCHEMA_VERSION,
      ok: true,
      stopped: true,
      pid: state.pid,
      outcome,
      ms,
      leftoversStopped: leftovers,
    } satisfies ProcessosStopResult);
    return EXIT.ok;
  });
}

/** What a stop did to the server, in words that follow "ProcessOS (pid N)". */
function stopSentence(outcome: ProcessosStopDoneResult['outcome'], pid: number, ms: number): string {
  switch (outcome) {
    case 'graceful':
      return `stopped gracefully in ${ms} ms`;
    case 'forced':
      return 'did not stop in time and was killed (SIGKILL)';
    case 'stale':
      return `was not running (pid ${pid} now belongs to another process; left alone)`;
    case 'not-running':
      return 'was not running';
  }
}

export async function processosRestart(ctx: CommandContext, args: ProcessosArgs<'restart'>): Promise<number> {
  const previous = await readProcessosState(ctx.layout.processos.stateFile);
  const flags: ProcessosFlags = {
    port: args.flags.port ?? (previous ? String(previous.port) : undefined),
    nanoUrl: args.flags['nano-url'] ?? previous?.nanoUrl,
    spawnNano: spawnFlag(args) ?? previous?.spawnNano,
  };
  const binaryFlag = args.flags.binary ?? (previous?.binary.source === 'flag' ? previous.binary.path : undefined);
  const prepared = await prepare(ctx, flags, binaryFlag, args.flags.timeout);
  return withLock(ctx, 'processos restart', async () => {
    const current = await readProcessosState(ctx.layout.processos.stateFile);
    if (current) await stopServer(ctx, current, DEFAULT_STOP_TIMEOUT_S * 1000);
    await checkPortsFree([prepared.plan.port], ctx.effects, ctx.prog, (port) => `${ctx.prog} restart --port ${port}`);
    return launch(ctx, prepared);
  });
}

export async function processosStatus(ctx: CommandContext): Promise<number> {
  const state = await readProcessosState(ctx.layout.processos.stateFile);
  return state === null ? statusUntracked(ctx) : statusTracked(ctx, state);
}

/** No server tracked: whether something else answers /health on the port a start would use. */
async function statusUntracked(ctx: CommandContext): Promise<number> {
  const config = await readConfig(ctx.layout.configFile);
  const port = processosSettings(config, ctx.layout.configFile).port ?? DEFAULT_PROCESSOS_PORT;
  const answer = await ctx.effects.probe.getJson(`http://127.0.0.1:${port}/health`, HEALTH_TIMEOUT_MS);
  const external = healthy(answer);
  ctx.out.info(
    external
      ? `Something answers /health on port ${port} (not started by c8ctl): running.`
      : `No ProcessOS is tracked in ${ctx.layout.home} and nothing answers on port ${port}: stopped.`,
  );
  const code = external ? EXIT.ok : EXIT.stopped;
  ctx.out.result({
    schemaVersion: SCHEMA_VERSION,
    managed: false,
    running: external,
    port,
    exitCode: code,
  } satisfies ProcessosStatusResult);
  return code;
}

/** How /health answered; 'not-probed' when the process does not run (a frozen one would only time out). */
function httpStatus(answer: ProbeResult | undefined): HttpStatus {
  if (answer === undefined) return 'not-probed';
  if (answer.kind !== 'answers') return answer.kind;
  return answer.status < 300 ? 'answers' : 'error';
}

async function statusTracked(ctx: CommandContext, state: ProcessosState): Promise<number> {
  const { out, effects } = ctx;
  const process = await statusOf(effects.readProcess, state.pid, state.startTime);
  const http = httpStatus(
    process === 'running' ? await effects.probe.getJson(`${state.url}/health`, HEALTH_TIMEOUT_MS) : undefined,
  );
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
    schemaVersion: SCHEMA_VERSION,
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
  } satisfies ProcessosStatusResult);
  return exitCodeFor(word);
}

export async function processosLogs(ctx: CommandContext, args: ProcessosArgs<'logs'>): Promise<number> {
  const { out } = ctx;
  const linesText = args.flags.lines;
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
  out.result({ schemaVersion: SCHEMA_VERSION, log, lines } satisfies ProcessosLogsResult);
  if (follow)
    await followFiles([{ node: 0, file: log, from: end }], ctx.interrupt, ctx.effects.sleep, {
      line: (_n, text) => out.info(text),
      notice: (_n, text) => out.warn(text),
    });
  return EXIT.ok;
}
