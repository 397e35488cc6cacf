// Runs a program for a test and collects what it printed: the few things the tests need from a
// process library (an exact environment, cwd, a timeout, the exit code, stdout/stderr as strings, a
// handle to interrupt a run), on node:child_process. Never rejects: a failure is in the result.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface RunOptions {
  /** The whole environment of the child (nothing else is added); default: this process's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** SIGTERM at the deadline, SIGKILL 5 s later if it is still there. */
  readonly timeoutMs?: number;
  /** 'ignore' drops the child's output (a long-running node); default: collect it. */
  readonly stdio?: 'pipe' | 'ignore';
  /** false: keep nothing (a long-running server; read `stdout`/`stderr` of the handle instead). */
  readonly buffer?: boolean;
  /** Drop one trailing newline from stdout and stderr (default true), so `stdout === 'x'` reads well. */
  readonly stripFinalNewline?: boolean;
}

export interface RunResult {
  /** undefined when it was killed by a signal or never started. */
  readonly exitCode: number | undefined;
  readonly signal: NodeJS.Signals | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** Why it could not be started at all (ENOENT, …). */
  readonly spawnError: Error | undefined;
}

/** The result to come, plus the running child for tests that interrupt or watch it. */
export type RunningProcess = Promise<RunResult> & {
  readonly child: ChildProcess;
  readonly pid: number | undefined;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  kill(signal?: NodeJS.Signals): boolean;
};

const FORCE_KILL_AFTER_MS = 5_000;

export function runProcess(file: string, args: readonly string[], options: RunOptions = {}): RunningProcess {
  const child = spawn(file, [...args], {
    env: (options.env ?? process.env) as NodeJS.ProcessEnv,
    cwd: options.cwd,
    stdio: ['ignore', options.stdio ?? 'pipe', options.stdio ?? 'pipe'],
    windowsHide: true,
  });
  const strip = options.stripFinalNewline ?? true;
  const text = (chunks: Buffer[]): string => {
    const all = Buffer.concat(chunks).toString('utf8');
    return strip ? all.replace(/\r?\n$/, '') : all;
  };
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  if (options.buffer !== false) {
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  }

  const result = new Promise<RunResult>((resolve) => {
    let timedOut = false;
    let spawnError: Error | undefined;
    const timers: NodeJS.Timeout[] = [];
    if (options.timeoutMs !== undefined) {
      timers.push(
        setTimeout(() => {
          timedOut = true;
          child.kill('SIGTERM');
          timers.push(setTimeout(() => child.kill('SIGKILL'), FORCE_KILL_AFTER_MS));
        }, options.timeoutMs),
      );
    }
    const done = (code: number | null, signal: NodeJS.Signals | null): void => {
      for (const t of timers) clearTimeout(t);
      resolve({
        exitCode: code ?? undefined,
        signal: signal ?? undefined,
        stdout: text(out),
        stderr: text(err),
        timedOut,
        spawnError,
      });
    };
    child.on('error', (error) => {
      spawnError = error;
      // Never started: no 'close' follows.
      if (child.pid === undefined) done(null, null);
    });
    child.on('close', done);
  });
  return Object.assign(result, {
    child,
    pid: child.pid,
    stdout: child.stdout,
    stderr: child.stderr,
    kill: (signal?: NodeJS.Signals) => child.kill(signal),
  });
}
