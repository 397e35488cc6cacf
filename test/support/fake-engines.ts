// Fake engine processes for unit tests of the cluster verbs and operations (issue 25): a process table
// that spawnNode adds to and signals take from, so a test sees what a rollback stopped; an engine
// binary that findEngineBinary accepts but nobody runs (its version is already in the home's cache);
// and a clock whose sleep moves it on. Hand `engines.effects()` to fakeContext.
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Effects } from '../../src/kit/context.js';
import type { ProbeResult } from '../../src/os/http-probe.js';
import { SpawnError, type NodeExit, type SpawnRequest, type SpawnedProcess } from '../../src/os/spawn-node.js';
import {
  EMPTY_VERSION_CACHE,
  binaryIdentity,
  withVersion,
  writeVersionCache,
} from '../../src/state/engine-version-cache.js';

export class FakeEngines {
  /** Live processes: pid → start time. */
  readonly running = new Map<number, string>();
  /** Live processes stopped by SIGSTOP (a node someone paused). */
  readonly frozen = new Set<number>();
  /** Every spawn asked for, in order (the failed one included). */
  readonly requests: SpawnRequest[] = [];
  readonly spawned: number[] = [];
  /** Every signal sent, in order. */
  readonly signals: Array<{ readonly pid: number; readonly signal: string }> = [];
  /** The spawn (counted from 0) that fails as a binary that cannot run would; none by default. */
  failSpawnAt: number | undefined;
  private nextPid = 41_000;
  private readonly exits = new Map<number, (exit: NodeExit) => void>();

  /** The process `pid` ends on its own (it crashed while starting, say). */
  exit(pid: number, exit: NodeExit): void {
    this.running.delete(pid);
    this.exits.get(pid)?.(exit);
  }

  effects(): Partial<Effects> {
    return {
      spawnNode: async (request) => this.spawn(request),
      readProcess: async (pid) => {
        const startTime = this.running.get(pid);
        if (startTime === undefined) return null;
        return { state: this.frozen.has(pid) ? 'stopped' : 'running', startTime };
      },
      signals: {
        signalTree: async (pid, signal) => this.signal(pid, signal),
        signal: (pid, signal) => this.signal(pid, signal),
      },
      findEngines: async () => [],
      tryBind: async () => 'free',
    };
  }

  private async spawn(request: SpawnRequest): Promise<SpawnedProcess> {
    this.requests.push(request);
    if (this.requests.length - 1 === this.failSpawnAt)
      throw new SpawnError(`could not run ${request.binary} (EACCES)`, 'EACCES');
    const pid = this.nextPid++;
    this.running.set(pid, `start-${pid}`);
    this.spawned.push(pid);
    const exit = new Promise<NodeExit>((resolve) => this.exits.set(pid, resolve));
    return { pid, exit, release: () => undefined };
  }

  private signal(pid: number, signal: string): void {
    this.signals.push({ pid, signal });
    if (signal === 'SIGTERM' || signal === 'SIGKILL') this.exit(pid, { code: null, signal });
  }
}

/**
 * A clock that sleep moves on. Each sleep also yields a turn of the event loop, so waits that still
 * race a real timer (readiness's deadline) reach it.
 */
export function steppingClock(): Pick<Effects, 'now' | 'sleep'> {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
      await nextTurn();
    },
  };
}

/** A probe answering every URL through `answer`; what is not answered there is refused. */
export function fakeProbe(answer: (url: string) => ProbeResult | undefined): Effects['probe'] {
  return {
    getJson: async (url) => answer(url) ?? { kind: 'refused' },
    close: async () => undefined,
  };
}

/** What a Nano engine answers on /v2/topology, and the console turned off (404) for everything else. */
export function nanoAnswers(url: string): ProbeResult {
  if (url.endsWith('/v2/topology'))
    return { kind: 'answers', status: 200, body: { nano: { engine: 'nanobpmn', version: '0.0.22' } } };
  return { kind: 'answers', status: 404, body: null };
}

/**
 * An engine binary outside `home` (a `#!` script, so any host accepts it) whose version `home` already
 * remembers: a start finds it with --binary and never runs it.
 */
export async function cachedEngine(home: string, version = '0.0.22'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-engine-'));
  const binary = path.join(dir, 'nanobpm-gateway-rest-server');
  await writeFile(binary, '#!/bin/sh\nexit 99\n');
  await chmod(binary, 0o755);
  const identity = await binaryIdentity(binary);
  if (!identity) throw new Error(`cannot stat ${binary}`);
  await writeVersionCache(
    path.join(home, 'engine-version-cache.json'),
    withVersion(EMPTY_VERSION_CACHE, identity, version),
  );
  return binary;
}
