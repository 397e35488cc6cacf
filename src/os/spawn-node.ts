// Starts one engine process, detached, its stdout and stderr appended straight to its log file (the
// fd is handed to the child, so the node keeps logging after this CLI exits).
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
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
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly logFile: string;
  /** Written to the log before the engine's own output, so appended runs stay apart. */
  readonly banner: string;
}

export class SpawnError extends Error {
  constructor(message: string, readonly code: string | undefined) {
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
  // Loaded here, not at import: commands that never spawn should not pay for execa.
  const { execa } = await import('execa');
  const fd = openSync(request.logFile, 'a', 0o600);
  // execa passes an integer fd straight to child_process.spawn (its `{file}` form would pipe through
  // this process instead, and die with it); its typings only admit the literals 3-9, hence the cast.
  const logFd = fd as 3;
  try {
    writeSync(fd, `${request.banner}\n`);
    const child = execa(request.binary, [], {
      env: request.env,
      extendEnv: false,
      cwd: request.cwd,
      detached: true,
      cleanup: false,
      reject: false,
      stdin: 'ignore',
      stdout: logFd,
      stderr: logFd,
      windowsHide: true,
    });
    if (child.pid === undefined) {
      // Spawning failed outright (no such file, not executable, wrong format); execa reports it as the result.
      child.catch(() => undefined);
      throw new SpawnError(`could not run ${request.binary}`, undefined);
    }
    const exit = child.then(
      (result) => ({ code: result.exitCode ?? null, signal: result.signal ?? null }),
      () => ({ code: null, signal: null }),
    );
    return { pid: child.pid, exit, release: () => child.unref() };
  } finally {
    closeSync(fd);
  }
}
