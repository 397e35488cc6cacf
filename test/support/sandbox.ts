// A private state home per test, a way to run the real CLI in it, and cleanup that stops every
// process the test caused, found by marker rather than trusted to the product under test.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { killMarked, MARKER } from './processes.js';
import { checkResultDocument } from './result-schema.js';
import { runProcess, type RunningProcess } from './run-process.js';

export const BIN = path.resolve('dist/src/bin.cjs');
export const PROCESSOS_BIN = path.resolve('dist/src/bin-processos.cjs');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface Sandbox {
  readonly home: string;
  readonly marker: string;
  readonly env: Record<string, string>;
  run(args: readonly string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  /** The same, with the standalone `c8ctl-processos` bin. */
  runProcessos(args: readonly string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  /** Runs with --json and parses stdout (which must be exactly one JSON document). */
  runJson(args: readonly string[], extraEnv?: Record<string, string>): Promise<CliResult & { json: any }>;
  /** Starts the CLI without waiting, for tests that interrupt or race it. */
  spawn(args: readonly string[], extraEnv?: Record<string, string>): RunningProcess;
  state(): Promise<any | null>;
  cleanup(): Promise<number[]>;
}

export async function createSandbox(): Promise<Sandbox> {
  // A space and a non-ASCII letter in the path: real homes have them.
  const home = await mkdtemp(path.join(os.tmpdir(), 'nano e2e é-'));
  const marker = randomUUID();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('NANOBPMN_') && k !== 'C8CTL_NANO_HOME' && !k.startsWith('VITEST')) env[k] = v;
  }
  // The daily update notice starts a detached registry check after a command on a terminal; a test
  // about something else would find it still running at cleanup (and it would write the user's own
  // cache). Off unless a test turns it on; the notice's own tests do, each with a cache of its own.
  Object.assign(env, { C8CTL_NANO_HOME: home, [MARKER]: marker, NO_COLOR: '1', C8CTL_NANO_NO_UPDATE_NOTIFIER: '1' });

  const runBin = async (
    bin: string,
    args: readonly string[],
    extraEnv: Record<string, string> = {},
  ): Promise<CliResult> => {
    const began = performance.now();
    const result = await runProcess(process.execPath, [bin, ...args], {
      env: { ...env, ...extraEnv },
      timeoutMs: 120_000,
    });
    return { code: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - began };
  };
  const run = (args: readonly string[], extraEnv: Record<string, string> = {}): Promise<CliResult> =>
    runBin(BIN, args, extraEnv);

  return {
    home,
    marker,
    env,
    run,
    runProcessos: (args, extraEnv = {}) => runBin(PROCESSOS_BIN, args, extraEnv),
    async runJson(args, extraEnv) {
      const result = await run([...args, '--json'], extraEnv);
      let json: unknown;
      try {
        json = JSON.parse(result.stdout);
      } catch {
        throw new Error(
          `stdout of "${args.join(' ')} --json" is not one JSON document:\n${result.stdout}\nstderr:\n${result.stderr}`,
        );
      }
      // Every document read is held to the published schema (result-schema.ts): the first word is the
      // subcommand, unless the run was top-level (`--version`, `--help`).
      const first = args[0];
      checkResultDocument('nano', first === undefined || first.startsWith('-') ? undefined : first, json);
      return { ...result, json };
    },
    spawn: (args, extraEnv = {}) => runProcess(process.execPath, [BIN, ...args], { env: { ...env, ...extraEnv } }),
    async state() {
      try {
        return JSON.parse(await readFile(path.join(home, 'cluster.json'), 'utf8'));
      } catch {
        return null;
      }
    },
    async cleanup() {
      const killed = killMarked(marker);
      await rm(home, { recursive: true, force: true });
      return killed;
    },
  };
}

/**
 * Per-test bookkeeping for an e2e file: deferred closers run after each test, then every sandbox made
 * with `create` is cleaned up, and the test fails if that cleanup had to kill anything it left running.
 */
export function perTestSandboxes(): {
  create: () => Promise<Sandbox>;
  defer: (close: () => void | Promise<void>) => void;
} {
  const made: Sandbox[] = [];
  const closers: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    const leftovers = (await Promise.all(made.splice(0).map((s) => s.cleanup()))).flat();
    expect(leftovers, 'processes the test left running').toEqual([]);
  });
  return {
    create: async () => {
      const s = await createSandbox();
      made.push(s);
      return s;
    },
    defer: (close) => closers.push(close),
  };
}
