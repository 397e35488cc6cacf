// Fake engine processes for unit tests of the cluster verbs and operations (issue 25): a process table
// that spawnNode adds to and signals take from, so a test sees what a rollback stopped; an engine
// binary that findEngineBinary accepts but nobody runs (its version is already in the home's cache);
// and a clock whose sleep moves it on. Hand `engines.effects()` to fakeContext.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { expect } from 'vitest';
import { UserError } from '../../src/errors.js';
import type { Effects } from '../../src/kit/context.js';
import type { ProbeResult } from '../../src/os/http-probe.js';
import { SpawnError, type NodeExit, type SpawnRequest, type SpawnedProcess } from '../../src/os/spawn-node.js';
import {
  STATE_SCHEMA,
  writeClusterState,
  type ClusterSettings,
  type ClusterState,
} from '../../src/state/cluster-state.js';
import { layoutFor } from '../../src/state/layout.js';
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

/** A private temporary home, an engine binary it knows the version of, and fake engines. */
export interface EngineWorld {
  readonly home: string;
  readonly engine: string;
  readonly engines: FakeEngines;
  /** Removes the home and the engine's folder. */
  cleanUp(): Promise<void>;
}

export async function engineWorld(name: string): Promise<EngineWorld> {
  const home = await mkdtemp(path.join(os.tmpdir(), `nano-unit-${name}-`));
  await chmod(home, 0o700);
  const engine = await cachedEngine(home);
  return {
    home,
    engine,
    engines: new FakeEngines(),
    cleanUp: async () => {
      await rm(home, { recursive: true, force: true });
      await rm(path.dirname(engine), { recursive: true, force: true });
    },
  };
}

/** A cluster's recorded settings: one partition per node, on disk, the defaults otherwise. */
export function clusterSettings(nodes: number, rf: number, basePort: number): ClusterSettings {
  return {
    nodes,
    basePort,
    partitions: nodes,
    rf,
    raft: rf > 1,
    capture: false,
    replication: 'leader-durable',
    storage: 'disk',
    historyMax: null,
    console: 'studio',
  };
}

/** A 3-node cluster recorded in the world's cluster.json, every node running as far as its engines say. */
export async function recordedCluster(world: EngineWorld, basePort: number): Promise<ClusterState> {
  const layout = layoutFor(world.home);
  const state: ClusterState = {
    schema: STATE_SCHEMA,
    createdAt: '2025-01-02T03:04:05.000Z',
    settings: clusterSettings(3, 1, basePort),
    binary: { path: world.engine, source: 'flag', version: '0.0.22' },
    workspaceDir: layout.defaultWorkspace,
    nodes: [0, 1, 2].map((id) => ({
      id,
      port: basePort + id,
      url: `http://127.0.0.1:${basePort + id}`,
      pid: 30_000 + id,
      startTime: `start-${id}`,
      log: layout.nodeLog(id),
      dataDir: layout.nodeDataDir(id),
      env: { NANOBPMN_NODE_ID: String(id) },
    })),
  };
  for (const node of state.nodes) world.engines.running.set(node.pid, node.startTime);
  await writeClusterState(layout.stateFile, state);
  return state;
}

/** The UserError a command was refused (or failed) with; the test fails if it succeeded or threw anything else. */
export async function refusal(run: Promise<unknown>): Promise<UserError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}
