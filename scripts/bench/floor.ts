// The floor: the engine binary spawned directly, polled tightly for the same readiness condition
// the CLI waits for, and stopped with SIGTERM. What the CLI costs is its time minus this.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { planNodes, processEnv, type NodePlan } from '../../src/cluster/plan.js';
import { unreachedPeers } from '../../src/cluster/peers.js';
import { identifyProduct, leadershipSettled, readLeadership } from '../../src/cluster/topology.js';
import { createHttpProbe, type HttpProbe } from '../../src/os/http-probe.js';
import { layoutFor } from '../../src/state/layout.js';
import { CLUSTER_SECRET, EXIT_TIMEOUT_MS, FLOOR_POLL_MS, FLOOR_REQUEST_TIMEOUT_MS, READY_TIMEOUT_MS } from './config.js';
import { dropHome, envFor, newHome } from './homes.js';
import { kill, killHard, registry } from './processes.js';

export interface FloorCluster {
  readonly children: ChildProcess[];
  readonly exits: Array<Promise<void>>;
  readonly home: string;
}

function prepareFloor(nodes: number, basePort: number): { home: string; plan: NodePlan[]; env: Record<string, string> } {
  const home = newHome();
  const layout = layoutFor(home);
  const env = envFor(home);
  // As start does: the user's own secret wins, otherwise one per cluster. Passed as a variable, not a
  // literal, so this compiles whether or not planNodes takes the secret yet.
  const planInputs = {
    shape: { nodes, basePort, partitions: nodes, rf: 1, raft: false, capture: false, replication: 'leader-durable' as const, storage: 'disk' as const, historyMax: null, console: 'studio' as const },
    layout,
    workspaceDir: layout.defaultWorkspace,
    userEnv: env,
    clusterSecret: env[CLUSTER_SECRET] || randomBytes(32).toString('hex'),
  };
  const plan = planNodes(planInputs);
  for (const dir of [layout.logsDir, path.join(layout.defaultWorkspace, 'models'), path.join(layout.defaultWorkspace, 'workers'), ...plan.map((n) => n.dataDir)]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  return { home, plan, env };
}

/** The floor polls with the same node:http client as the CLI: the floor measures the engine, not a client. */
async function getJson(agent: HttpProbe, url: string): Promise<{ status: number; body: unknown } | undefined> {
  const answer = await agent.getJson(url, FLOOR_REQUEST_TIMEOUT_MS);
  return answer.kind === 'answers' ? { status: answer.status, body: answer.body } : undefined;
}

async function pollUntil(check: () => Promise<boolean>, stop: AbortSignal): Promise<void> {
  while (!stop.aborted) {
    if (await check()) return;
    await sleep(FLOOR_POLL_MS);
  }
}

/** Spawns the cluster directly; resolves with the ms from the first spawn until ready. */
export async function floorStart(engineBinary: string, nodes: number, basePort: number): Promise<{ ms: number; cluster: FloorCluster }> {
  const { home, plan, env } = prepareFloor(nodes, basePort);
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
      const child = spawn(engineBinary, [], { env: envs[i], cwd: node.dataDir, detached: true, stdio: ['ignore', fds[i]!, fds[i]!] });
      if (child.pid !== undefined) registry.pids.add(child.pid);
      children.push(child);
      exits.push(
        new Promise((resolve) => {
          child.once('error', (error) => {
            failure?.(new Error(`floor: spawning node ${node.id} failed: ${error.message}`));
            resolve();
          });
          child.once('exit', (code, signal) => {
            if (!done.signal.aborted) failure?.(new Error(`floor: node ${node.id} exited (${code ?? signal}) before ready; log ${node.log}`));
            if (child.pid !== undefined) registry.pids.delete(child.pid);
            resolve();
          });
        }),
      );
    });
    for (const fd of fds) closeSync(fd);
    const ready = (async () => {
      await Promise.all(
        plan.map((node) =>
          pollUntil(async () => {
            const answer = await getJson(agent, `${node.url}/v2/topology`);
            return answer !== undefined && answer.status >= 200 && answer.status < 300 && identifyProduct(answer.body).kind === 'nano';
          }, done.signal),
        ),
      );
      const ids = plan.map((n) => n.id);
      await Promise.all([
        pollUntil(async () => {
          const answer = await getJson(agent, `${plan[0]!.url}/console/api/topology`);
          if (answer === undefined) return false;
          if (answer.status === 404) return true; // no console: the CLI also accepts this
          const partitions = answer.status < 300 ? readLeadership(answer.body) : null;
          return partitions !== null && leadershipSettled(partitions);
        }, done.signal),
        // The same condition the CLI waits for: every node has an uplink to every peer.
        ...plan.map((node) =>
          pollUntil(async () => {
            if (ids.length < 2) return true;
            const answer = await getJson(agent, `${node.url}/metrics`);
            if (answer === undefined) return false;
            if (answer.status === 404) return true;
            return typeof answer.body === 'string' && unreachedPeers(answer.body, node.id, ids).length === 0;
          }, done.signal),
        ),
      ]);
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
    for (const child of children) if (child.pid !== undefined) killHard(child.pid);
    await Promise.all(exits);
    dropHome(home);
    throw error;
  } finally {
    await agent.close();
  }
}

/** SIGTERM every node; resolves with the ms until every child's 'exit' event. */
export async function floorStop(cluster: FloorCluster): Promise<number> {
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
    for (const child of cluster.children) if (child.pid !== undefined) killHard(child.pid);
    await Promise.all(cluster.exits);
    dropHome(cluster.home);
    throw new Error(`floor: nodes did not exit within ${EXIT_TIMEOUT_MS} ms of SIGTERM; killed`);
  }
  dropHome(cluster.home);
  return ms;
}
