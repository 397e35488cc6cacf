// The commands, host-independent: parse, dispatch, and turn failures into one clear line. The
// standalone bins and the c8ctl plugin entry call runNano / runProcessos with their own Output.
import { errorMessage, EXIT, UserError } from '../errors.js';
import { fsUserError } from '../errors-fs.js';
import { safeOutput, type Output } from '../output.js';
import { isTerminal } from '../os/stdio.js';
import { closest, parseSubcommandArgs } from './args.js';
import type { NanoArgs, ParsedArgs, ProcessosArgs } from '../kit/args.js';
import { subcommandHelp, topHelp } from './help.js';
import { PROCESSOS, type ProcessosSubcommand } from '../grammar/processos.js';
import { findSubcommand, NANO, type NanoSubcommand } from '../grammar/nano.js';
import type { CommandSpec } from '../grammar/types.js';
import { SCHEMA_VERSION, type ErrorResult, type HelpResult, type VersionResult } from '../results/common.js';
import type { CommandContext, Effects } from '../kit/context.js';
import type { Layout } from '../state/layout.js';

export interface HostInfo {
  readonly out: Output;
  readonly prog: string;
  readonly version: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** The host already said yes to confirmations (c8ctl's global --yes). */
  readonly assumeYes?: boolean;
  /** The c8ctl version, when running inside c8ctl. */
  readonly hostVersion?: string;
  /** How to run c8ctl again ([node, c8ctl entry]), when running inside c8ctl. */
  readonly hostCommand?: readonly string[];
}

type Handler<Args = ParsedArgs> = (ctx: CommandContext, args: Args) => Promise<number>;
// One loader per subcommand of the grammar, each handed that subcommand's typed flags: a subcommand
// without a handler, or a handler reading a flag its subcommand lacks, does not compile.
export type NanoHandlers = { readonly [Name in NanoSubcommand]: () => Promise<Handler<NanoArgs<Name>>> };
export type ProcessosHandlers = { readonly [Name in ProcessosSubcommand]: () => Promise<Handler<ProcessosArgs<Name>>> };
// The parser has checked the arguments against the subcommand's grammar, so at dispatch any handler
// takes the parsed arguments: the one place the typed tables are read by name.
type Handlers = Readonly<Record<string, () => Promise<Handler>>>;

// Loaded on first use, so neither the plugin entry nor `--help` pays for the command code.
const NANO_HANDLERS: NanoHandlers = {
  start: async () => (await import('../commands/start.js')).startCommand,
  stop: async () => (await import('../commands/stop.js')).stopCommand,
  status: async () => (await import('../commands/status.js')).statusCommand,
  restart: async () => (await import('../commands/restart.js')).restartCommand,
  pause: async () => (await import('../commands/pause.js')).pauseCommand,
  resume: async () => (await import('../commands/pause.js')).resumeCommand,
  isolate: async () => (await import('../commands/links.js')).isolateCommand,
  cut: async () => (await import('../commands/links.js')).cutCommand,
  slow: async () => (await import('../commands/links.js')).slowCommand,
  heal: async () => (await import('../commands/links.js')).healCommand,
  node: async () => (await import('../commands/node.js')).nodeCommand,
  drill: async () => ((await import(drillModule())) as typeof import('../commands/drill.js')).drillCommand,
  logs: async () => (await import('../commands/logs.js')).logsCommand,
  clean: async () => (await import('../commands/clean.js')).cleanCommand,
  set: async () => (await import('../commands/settings.js')).setCommand,
  unset: async () => (await import('../commands/settings.js')).unsetCommand,
  config: async () => (await import('../commands/settings.js')).configCommand,
  doctor: async () => (await import('../commands/doctor.js')).doctorCommand,
  export: async () => (await import('../commands/export.js')).exportCommand,
  bundle: async () => (await import('../commands/bundle.js')).bundleCommand,
  update: async () => (await import('../commands/update.js')).updateCommand,
};

const PROCESSOS_HANDLERS: ProcessosHandlers = {
  start: async () => (await import('../processos/commands.js')).processosStart,
  stop: async () => (await import('../processos/commands.js')).processosStop,
  restart: async () => (await import('../processos/commands.js')).processosRestart,
  status: async () => (await import('../processos/commands.js')).processosStatus,
  logs: async () => (await import('../processos/commands.js')).processosLogs,
  set: async () => (await import('../processos/settings.js')).processosSet,
  config: async () => (await import('../processos/settings.js')).processosConfig,
};

/**
 * `drill` is a fifth of the program and runs for seconds: it is bundled apart (scripts/build.mjs) so
 * that every other command, `status` above all, does not load it. The path is computed, which keeps the
 * bundler from inlining it: the CommonJS program requires `./drill.cjs` beside it; the ES modules (the
 * c8ctl host bundle, the sources under test) import the compiled verb.
 */
function drillModule(): string {
  return import.meta.url.endsWith('.cjs') ? './drill.cjs' : '../commands/drill.js';
}

// Every command prints through safeOutput: no terminal control from outside text, no URL credential.
export const runNano = (argv: readonly string[], host: HostInfo): Promise<number> =>
  runCli(NANO, NANO_HANDLERS as unknown as Handlers, argv, { ...host, out: safeOutput(host.out) });
export const runProcessos = (argv: readonly string[], host: HostInfo): Promise<number> =>
  runCli(PROCESSOS, PROCESSOS_HANDLERS as unknown as Handlers, argv, { ...host, out: safeOutput(host.out) });

async function runCli(
  command: CommandSpec,
  handlers: Handlers,
  argv: readonly string[],
  host: HostInfo,
): Promise<number> {
  const { out } = host;
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
      const spec = first === 'help' && rest[0] ? findSubcommand(rest[0], command) : undefined;
      out.info(spec ? subcommandHelp(host.prog, spec) : topHelp(host.prog, command));
      out.result({ schemaVersion: SCHEMA_VERSION, help: true } satisfies HelpResult);
      return EXIT.ok;
    }
    if (first === '--version' || first === '-v') {
      out.info(host.version);
      out.result({ schemaVersion: SCHEMA_VERSION, version: host.version } satisfies VersionResult);
      return EXIT.ok;
    }
    const spec = findSubcommand(first, command);
    if (!spec && first.startsWith('-')) {
      throw new UserError(
        `"${first}" is not a subcommand: flags go after one, e.g. "${host.prog} start ${first}${rest[0] && !rest[0].startsWith('-') ? ` ${rest[0]}` : ''}". See "${host.prog} --help".`,
        { code: 'invalid-argument' },
      );
    }
    if (!spec) {
      const names = command.subcommands.map((s) => s.name);
      const guess = closest(first, names);
      throw new UserError(
        `Unknown subcommand "${first}".${guess ? ` Did you mean "${guess}"?` : ''} Subcommands: ${names.join(', ')}. See "${host.prog} --help".`,
        { code: 'invalid-argument' },
      );
    }
    const args = parseSubcommandArgs(spec, rest, host.prog);
    if (args.flags.help) {
      out.info(subcommandHelp(host.prog, spec));
      out.result({ schemaVersion: SCHEMA_VERSION, help: true } satisfies HelpResult);
      return EXIT.ok;
    }
    return await runHandler(handlers[spec.name]!, args, host, { notice: command === NANO, subcommand: spec.name });
  } catch (error) {
    return reportFailure(out, error);
  }
}

async function runHandler(
  load: () => Promise<Handler>,
  args: ParsedArgs,
  host: HostInfo,
  run: { notice: boolean; subcommand: string },
): Promise<number> {
  const [{ realEffects }, { homeLayout }, handler] = await Promise.all([
    import('../kit/context.js'),
    import('../state/home.js'),
    load(),
  ]);
  const effects = realEffects();
  const interrupt = interruptOnSigint(host.out);
  const layout = await homeLayout(host.env, host.cwd);
  try {
    const code = await handler(commandContext(host, layout, effects, interrupt.signal), args);
    if (run.notice) await showUpdateNotice(effects, host, run.subcommand);
    return code;
  } catch (error) {
    // A full disk, a read-only home, a file where a folder belongs: the environment, not a bug.
    throw fsUserError(error, { home: layout.home }) ?? error;
  } finally {
    interrupt.dispose();
    await effects.dispose();
  }
}

/**
 * The first Ctrl-C asks the command to clean up (start rolls back, logs -f and --watch end); a second
 * one means "now", even if that cleanup is still waiting for processes to stop.
 */
function interruptOnSigint(out: Output): { readonly signal: AbortSignal; dispose(): void } {
  const interrupt = new AbortController();
  const onSigint = (): void => {
    if (!interrupt.signal.aborted) return interrupt.abort();
    out.error('Interrupted again: exiting without waiting for the cleanup to finish.');
    process.exit(EXIT.interrupted);
  };
  process.on('SIGINT', onSigint);
  return { signal: interrupt.signal, dispose: () => process.off('SIGINT', onSigint) };
}

function commandContext(host: HostInfo, layout: Layout, effects: Effects, interrupt: AbortSignal): CommandContext {
  return {
    out: host.out,
    prog: host.prog,
    env: host.env,
    cwd: host.cwd,
    layout,
    platform: process.platform,
    // stdout first: a pipe answers in one fstat, and stdin is then never asked (os/stdio.ts).
    interactive: host.out.mode === 'text' && isTerminal(1) && isTerminal(0),
    effects,
    interrupt,
    assumeYes: host.assumeYes === true,
    hostVersion: host.hostVersion,
    hostCommand: host.hostCommand,
  };
}

/** The daily update notice, last, on stderr; it decides itself whether it is on (update/notice.ts). */
async function showUpdateNotice(effects: Effects, host: HostInfo, subcommand: string): Promise<void> {
  await effects
    .updateNotice({
      env: host.env,
      mode: host.out.mode,
      prog: host.prog,
      subcommand,
      current: host.version,
      warn: (line) => host.out.warn(line),
    })
    .catch(() => undefined);
}

function reportFailure(out: Output, thrown: unknown): number {
  const error = fsUserError(thrown) ?? thrown;
  if (error instanceof UserError) {
    out.error(error.message, error.details);
    out.result({
      schemaVersion: SCHEMA_VERSION,
      ok: false,
      error: { code: error.code, message: error.message, details: error.details },
    } satisfies ErrorResult);
    return error.exitCode;
  }
  // A bug, not a user mistake: still one readable line, with the stack only on request.
  const stack = process.env.C8CTL_NANO_DEBUG && error instanceof Error && error.stack;
  out.error(`Unexpected failure: ${errorMessage(error)}`, [
    stack || 'Set C8CTL_NANO_DEBUG=1 to see the stack trace, and please report it.',
  ]);
  out.result({
    schemaVersion: SCHEMA_VERSION,
    ok: false,
    error: { code: 'internal', message: errorMessage(error) },
  } satisfies ErrorResult);
  return EXIT.failure;
}
