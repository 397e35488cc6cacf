// Runs a short command to completion and captures what it printed, stdout and stderr interleaved as
// they arrived (a loader's "GLIBC not found" goes to stderr, a version to stdout). Never rejects.
import { childProcess } from './builtins.js';

export interface CapturedRun {
  /** Exit code; null when it was killed by a signal or never ran. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr combined, in arrival order. */
  readonly output: string;
  /** Why it could not be started at all (ENOENT, EACCES, ENOEXEC, …). */
  readonly spawnErrorCode: string | undefined;
  readonly spawnErrorMessage: string | undefined;
  readonly timedOut: boolean;
}

export function runCaptured(file: string, args: readonly string[], timeoutMs: number): Promise<CapturedRun> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let timedOut = false;
    let settled = false;
    const child = childProcess().spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, error?: NodeJS.ErrnoException): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        exitCode,
        signal,
        output: Buffer.concat(chunks).toString('utf8'),
        spawnErrorCode: error?.code,
        spawnErrorMessage: error?.message,
        timedOut,
      });
    };
    // SIGKILL, not SIGTERM: a command that hangs where it should answer at once is not trusted to exit.
    // The streams are dropped too, so a grandchild holding them open cannot keep us waiting.
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      finish(null, 'SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => finish(null, null, error));
    // 'close', not 'exit': by then all output has been read.
    child.on('close', (code, signal) => finish(code, signal));
  });
}
