// Starts one engine process, detached, its stdout and stderr appended straight to its log file (the
// fd is handed to the child, so the node keeps logging after this CLI exits).
import { childProcess } from './builtins.js';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { naming } from '../errors-fs.js';
import { assertTrusted } from './trusted-path.js';

export interface NodeExit {
  readonly code: number | null;
  readonly signal: string | null;
}

export interface SpawnedProcess {
  readonly pid: number;
  /** Settles when the process exits while this CLI still runs; never rejects. */
  readonly exit: Promise<NodeExit>;
  /** Lets this CLI exit while the node keeps running. */
  release(): void;
}

export interface SpawnRequest {
  readonly binary: string;
  /** Arguments; the engine takes none (the link proxy takes its control folder). */
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly logFile: string;
  /** Written to the log before the engine's own output, so appended runs stay apart. */
  readonly banner: string;
}

export class SpawnError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Size of the log before spawning: where this run's output starts. */
export function logOffset(logFile: string): number {
  try {
    return statSync(logFile).size;
  } catch {
    return 0;
  }
}

export async function spawnNode(request: SpawnRequest): Promise<SpawnedProcess> {
  // The last line of defence for every spawn (a node restarted from its recorded binary, say);
  // commands check earlier, before they write anything.
  assertTrusted(request.binary, 'program');
  const fd = openSync(request.logFile, 'a', 0o600);
  try {
    try {
      writeSync(fd, `${request.banner}\n`);
    } catch (error) {
      throw naming(error, request.logFile, 'write'); // a failed write names no file (a full disk, say)
    }
    // The log fd itself goes to the child (not a pipe through this process, which would die with us).
    const child = childProcess().spawn(request.binary, request.args ?? [], {
      env: request.env,
      cwd: request.cwd,
      detached: true,
      stdio: ['ignore', fd, fd],
      windowsHide: true,
    });
    // Registered at once: an 'error' event without a listener would crash the CLI.
    const failed = new Promise<NodeJS.ErrnoException>((resolve) => child.on('error', resolve));
    if (child.pid === undefined) {
      // Spawning failed outright (no such file, not executable, wrong format); Node reports why in
      // an 'error' event on the next tick.
      const error = await Promise.race([
        failed,
        new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined))),
      ]);
      throw new SpawnError(`could not run ${request.binary}${error?.code ? ` (${error.code})` : ''}`, error?.code);
    }
    const exit = new Promise<NodeExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      void failed.then(() => resolve({ code: null, signal: null }));
    });
    return { pid: child.pid, exit, release: () => child.unref() };
  } finally {
    closeSync(fd);
  }
}
