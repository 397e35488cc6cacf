// Adapter: run the nano command inside c8ctl. Output goes through the host's logger, so it follows
// c8ctl's conventions and its output mode (global --json, C8CTL_OUTPUT_MODE, `c8ctl output json`).
import { runNano, runProcessos } from '../cli/main.js';
import { createStreamOutput, progressLine, type Output, type OutputMode, type TextSink } from '../output.js';
import { pluginVersion } from '../version.js';

/** The part of c8ctl's logger we use (see @camunda8/cli core/logger). */
export interface HostLogger {
  info(message: string): void;
  success(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  json(data: unknown): void;
}

interface C8ctlRuntime {
  readonly outputMode?: OutputMode;
  readonly version?: string;
  getLogger?(): HostLogger;
}

export function createHostOutput(logger: HostLogger, mode: OutputMode, stderr: TextSink = process.stderr): Output {
  const json = mode === 'json';
  const progress = progressLine(stderr, !json);
  const cleared =
    <T extends unknown[]>(fn: (...args: T) => void) =>
    (...args: T): void => {
      progress.clear();
      fn(...args);
    };
  return {
    mode,
    // In JSON mode the result document carries the facts; c8ctl would turn text lines into stderr noise.
    info: cleared((line: string) => {
      if (!json) logger.info(line);
    }),
    success: cleared((line: string) => {
      if (!json) logger.success(line);
    }),
    warn: cleared((line: string) => logger.warn(line)),
    error: cleared((line: string, details: readonly string[] = []) => logger.error([line, ...details].join('\n'))),
    progress: (line) => progress.show(line),
    result: (data) => {
      if (json) logger.json(data);
    },
    // c8ctl's logger has no cursor control: frames follow each other.
    frame: cleared((lines: readonly string[]) => {
      if (!json) logger.info(`${lines.join('\n')}\n`);
    }),
  };
}

export async function runInC8ctl(command: 'nano' | 'processos', args: readonly string[]): Promise<void> {
  const runtime = (globalThis as { c8ctl?: C8ctlRuntime }).c8ctl;
  const logger = runtime?.getLogger?.();
  const mode: OutputMode = runtime?.outputMode === 'json' ? 'json' : 'text';
  // Outside a c8ctl process (someone importing the entry directly) fall back to plain streams.
  const out = logger
    ? createHostOutput(logger, mode)
    : createStreamOutput({ mode, stdout: process.stdout, stderr: process.stderr });
  // c8ctl consumes its global --yes and hands a passthrough command neither the flag nor a context,
  // but we run in its process, so its command line is ours to read.
  const assumeYes = process.argv.slice(2).some((a) => a === '--yes' || a === '-y');
  const run = command === 'nano' ? runNano : runProcessos;
  const code = await run(args, {
    out,
    prog: `c8ctl ${command}`,
    version: pluginVersion(),
    env: process.env,
    cwd: process.cwd(),
    assumeYes,
    ...(runtime?.version
      ? { hostVersion: runtime.version, hostCommand: [process.execPath, ...(process.argv[1] ? [process.argv[1]] : [])] }
      : {}),
  });
  // c8ctl honours process.exitCode; a thrown error would print a stack trace instead.
  if (code !== 0) process.exitCode = code;
}
