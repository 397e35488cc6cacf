// The floor: the engine binary spawned directly, polled tightly for the same readiness condition
// the CLI waits for, and stopped with SIGTERM. What the CLI costs is its time minus this.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { planNodes, processEnv, type NodePlan } from '../../src/cluster/plan.js';
import { waitForCluster } from '../../src/cluster/readiness.js';
import { createHttpProbe } from '../../src/os/http-probe.js';
import { layoutFor } from '../../src/state/layout.js';
import { CLUSTER_SECRET, EXIT_TIMEOUT_MS, FLOOR_POLL_MS, READY_TIMEOUT_MS } from './config.js';
import { dropHome, envFor, newHome } from './homes.js';
import { kill, killOurs, registry } from './processes.js';

export interface FloorCluster {
  readonly children: ChildProcess[];
  readonly exits: Array<Promise<void>>;
  readonly home: string;
}

/** RF 1 by default; with rf > 1, Raft and the quorum tier, as start gives them. */
export interface FloorShape {
  readonly rf: number;
}

function prepareFloor(
  nodes: number,
  basePort: number,
  shape: FloorShape,
  reuse?: string,
): { home: string; plan: NodePlan[]; env: Record<string, string> } {
  const home = reuse ?? newHome();
  const layout = layoutFor(home);
  const env = envFor(home);
  // As start does: the user's own secret wins, otherwise one per cluster. Passed as a variable, not a
  // literal, so this compiles whether or not planNodes takes the secret yet.
  const planInputs = {
    shape: {
      nodes,
      basePort,
      partitions: nodes,
      rf: shape.rf,
      raft: shape.rf > 1,
      capture: false,
      replication: shape.rf > 1 ? ('quorum' as const) : ('leader-durable' as const),
      storage: 'disk' as const,
      historyMax: null,
      console: 'studio' as const,
    },
    layout,
    workspaceDir: layout.defaultWorkspace,
    userEnv: env,
    clusterSecret: env[CLUSTER_SECRET] || randomBytes(32).toString('hex'),
  };
  const plan = planNodes(planInputs);
  for (const dir of [
    layout.logsDir,
    path.join(layout.defaultWorkspace, 'models'),
    path.join(layout.defaultWorkspace, 'workers'),
    ...plan.map((n) => n.dataDir),
  ]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  return { home, plan, env };
}

/**
 * Spawns the cluster directly; resolves with the ms from the first spawn until ready. With `reuse`,
 * in that home of a stopped floor cluster: the engines open their kept data, as a second start does.
 */
export async function floorStart(
  engineBinary: string,
  nodes: number,
  basePort: number,
  shape: FloorShape = { rf: 1 },
  reuse?: string,
): Promise<{ ms: number; cluster: FloorCluster }> {
  const { home, plan, env } = prepareFloor(nodes, basePort, shape, reuse);
  const envs = plan.map((n) => processEnv(env, n.env));
  const fds = plan.map((n) => openSync(n.log, 'a', 0o600));
  const agent = createHttpProbe();
  const done = new AbortController();
  const children: ChildProcess[] = [];
  const exits: Array<Promise<void>> = [];
  let failure: ((error: Error) => void) | undefined;
  const failed = new Promise<never>((_, reject) => {
    failure = reject;
  });
  failed.catch(() => undefined);
  const began = performance.now();
  try {
    plan.forEach((node, i) => {
      const child = spawn(engineBinary, [], {
        env: envs[i],
        cwd: node.dataDir,
        detached: true,
        stdio: ['ignore', fds[i]!, fds[i]!],
      });
      if (child.pid !== undefined) registry.pids.add(child.pid);
      children.push(child);
      exits.push(
        new Promise((resolve) => {
          child.once('error', (error) => {
            failure?.(new Error(`floor: spawning node ${node.id} failed: ${error.message}`));
            resolve();
          });
          child.once('exit', (code, signal) => {
            if (!done.signal.aborted)
              failure?.(new Error(`floor: node ${node.id} exited (${code ?? signal}) before ready; log ${node.log}`));
            if (child.pid !== undefined) registry.pids.delete(child.pid);
            resolve();
          });
        }),
      );
    });
    for (const fd of fds) closeSync(fd);
    // The same wait the CLI does (src/cluster/readiness.ts): every node answers, every node has an
    // uplink to every peer (with the same boot kick), every partition has a leader. The floor is the
    // engine with the same settings until the same readiness, minus everything else the CLI does.
    const ready = (async () => {
      const outcome = await waitForCluster(
        plan.map((n) => ({ id: n.id, url: n.url, exit: new Promise<never>(() => undefined) })),
        READY_TIMEOUT_MS,
        { probe: agent, sleep: (ms) => sleep(Math.min(ms, FLOOR_POLL_MS)) },
      );
      if (outcome.kind !== 'ready') throw new Error(`floor: not ready (${outcome.kind})`);
      return performance.now() - began;
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`floor: not ready after ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    });
    try {
      const ms = await Promise.race([ready, failed, timeout]);
      return { ms, cluster: { children, exits, home } };
    } finally {
      clearTimeout(timer);
      done.abort();
    }
  } catch (error) {
    done.abort();
    for (const child of children) if (child.pid !== undefined) killOurs(child.pid);
    await Promise.all(exits);
    dropHome(home);
    throw error;
  } finally {
    await agent.close();
  }
}

/** SIGTERM every node; resolves with the ms until every child's 'exit' event. The home goes unless kept. */
export async function floorStop(cluster: FloorCluster, keepHome = false): Promise<number> {
  const began = performance.now();
  for (const child of cluster.children) if (child.pid !== undefined) kill(child.pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), EXIT_TIMEOUT_MS);
  });
  const outcome = await Promise.race([Promise.all(cluster.exits).then(() => 'exited' as const), timedOut]);
  const ms = performance.now() - began;
  clearTimeout(timer);
  if (outcome === 'timeout') {
    for (const child of cluster.children) if (child.pid !== undefined) killOurs(child.pid);
    await Promise.all(cluster.exits);
    dropHome(cluster.home);
    throw new Error(`floor: nodes did not exit within ${EXIT_TIMEOUT_MS} ms of SIGTERM; killed`);
  }
  if (!keepHome) dropHome(cluster.home);
  return ms;
}
