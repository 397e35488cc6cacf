// A temporary home holding a tracked cluster, for unit tests of the verbs that act on one (status,
// pause/resume, the link verbs): its cluster.json written as start writes it, and fakes of the OS
// (which PIDs run, frozen or not) to hand the fake context.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ProcessFacts } from '../../../src/os/process-info.js';
import { writeClusterState, type ClusterState, type LinkProxyRecord } from '../../../src/state/cluster-state.js';
import { layoutFor } from '../../../src/state/layout.js';

export async function makeHome(prefix: string): Promise<string> {
  const home = await mkdtemp(path.join(os.tmpdir(), `nano-unit-${prefix}-`));
  await chmod(home, 0o700); // state files are read only from a home no one else can write
  return home;
}

export const removeHome = (home: string): Promise<void> => rm(home, { recursive: true, force: true });

/** A cluster of `nodes` nodes on ports 8080…, node i with pid 4000 + i, started at `start-i`. */
export function clusterState(
  home: string,
  nodes: number,
  extra: { linkProxy?: LinkProxyRecord; replication?: 'leader-durable' | 'quorum' } = {},
): ClusterState {
  const layout = layoutFor(home);
  return {
    schema: 1,
    createdAt: '2026-12-03T10:00:00.000Z',
    settings: {
      nodes,
      basePort: 8080,
      partitions: nodes,
      rf: nodes,
      raft: nodes > 1,
      capture: false,
      replication: extra.replication ?? 'leader-durable',
      storage: 'disk',
      historyMax: null,
      console: 'studio',
      ...(extra.linkProxy ? { networkFaults: true } : {}),
    },
    binary: { path: '/e/nanobpmn', source: 'platform-package', version: '0.0.22' },
    workspaceDir: path.join(home, 'workspace'),
    nodes: Array.from({ length: nodes }, (_, id) => ({
      id,
      port: 8080 + id,
      url: `http://127.0.0.1:${8080 + id}`,
      pid: 4000 + id,
      startTime: `start-${id}`,
      log: layout.nodeLog(id),
      dataDir: layout.nodeDataDir(id),
      env: {},
    })),
    consoleServed: 'studio',
    ...(extra.linkProxy ? { linkProxy: extra.linkProxy } : {}),
  };
}

export async function trackCluster(home: string, state: ClusterState): Promise<void> {
  await writeClusterState(layoutFor(home).stateFile, state);
}

/**
 * A fake process table: `running` maps a pid to its run state and start time; every other pid is gone,
 * except this test process itself (the lock records it).
 */
export function processTable(running: Map<number, ProcessFacts>): (pid: number) => Promise<ProcessFacts | null> {
  return async (pid) => (pid === process.pid ? { state: 'running', startTime: 'self' } : (running.get(pid) ?? null));
}

/** Node i of clusterState running (or frozen) as recorded. */
export const nodeProcess = (id: number, state: ProcessFacts['state'] = 'running'): [number, ProcessFacts] => [
  4000 + id,
  { state, startTime: `start-${id}` },
];
