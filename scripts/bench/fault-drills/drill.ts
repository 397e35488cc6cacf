// One fault drill on the real engine, for fault-drills.ts: a fresh 3-node RF 3 cluster behind the link
// proxy (its own temporary home, free ports), 9 instances, one fault on the leader of partition 1 kept
// FAULT_MS, its undo, AFTER_MS more of watching, then a full client check. Meanwhile every node's view
// of the leaders is sampled every 200 ms and every node gets a create and a read every 500 ms; report.ts
// turns those samples into figures. The cluster is always stopped and its home deleted, and whatever it
// left running is killed by PID, however the drill ends (on a signal: stopCurrentClusterSync).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from '../config.js';
import { dropHome, envFor, newHome, runFrom } from '../homes.js';
import { freeBase } from '../ports.js';
import { ensureQuiet, killOurs, registry } from '../processes.js';
import { cli, describeRun, waitGone } from '../run-cli.js';

export const NODES = [0, 1, 2] as const;
export const FAULT_MS = 8_000;
/** Watched after the undo command returned (`heal` waits up to 8 s for the leaders, `node start` for readiness). */
export const AFTER_MS = 10_000;
export const VIEW_EVERY_MS = 200;
export const VIEW_DEADLINE_MS = 1_000;
export const PROBE_EVERY_MS = 500;
/** Longer than a view's: under `slow --delay 200` a create crosses the slowed links several times. */
export const PROBE_DEADLINE_MS = 2_000;
const SETUP_DEADLINE_MS = 5_000;
const PROCESS_ID = 'e2e-one-task';

export type Tier = 'leader-durable' | 'quorum';

/** A fault on `leader` (the leader of partition 1) and how it is undone; `other` is the next node. null: no command. */
export interface Scenario {
  readonly id: string;
  readonly label: string;
  readonly fault: (leader: number, other: number) => string[] | null;
  readonly undo: (leader: number) => string[] | null;
}

export const SCENARIOS: readonly Scenario[] = [
  // The same timeline and client calls without a fault: what the calls alone cost and cause.
  { id: 'none', label: 'no fault (baseline)', fault: () => null, undo: () => null },
  { id: 'pause', label: '`pause` / `resume`', fault: (l) => ['pause', String(l)], undo: (l) => ['resume', String(l)] },
  // The timeout only bounds a start that cannot get ready; a healthy one returns in about 1-2 s.
  {
    id: 'kill',
    label: '`node kill` / `node start`',
    fault: (l) => ['node', String(l), 'kill'],
    undo: (l) => ['node', String(l), 'start', '--timeout', '30'],
  },
  { id: 'isolate', label: '`isolate` / `heal`', fault: (l) => ['isolate', String(l)], undo: () => ['heal'] },
  {
    id: 'isolate-refuse',
    label: '`isolate --refuse` / `heal`',
    fault: (l) => ['isolate', String(l), '--refuse'],
    undo: () => ['heal'],
  },
  {
    id: 'cut',
    label: '`cut <leader> <next>` / `heal`',
    fault: (l, o) => ['cut', String(l), String(o)],
    undo: () => ['heal'],
  },
  {
    id: 'slow',
    label: '`slow --delay 200` / `heal`',
    fault: (l) => ['slow', String(l), '--delay', '200'],
    undo: () => ['heal'],
  },
];

export interface PartitionView {
  readonly leader: number | null;
  readonly term: number | null;
  readonly owner: number | null;
}
/** One node's answer about every partition (index = partition id − 1), or null when it did not answer in time. */
export interface View {
  readonly t: number;
  readonly node: number;
  readonly partitions: readonly PartitionView[] | null;
}
/** How one client call ended: outcome `ok`, `HTTP <status>`, `timeout`, `refused`…; detail, an HTTP error's body in brief. */
export interface Answer {
  readonly kind: 'create' | 'read';
  readonly outcome: string;
  readonly detail?: string;
}
/** One client call through one node while watching: `t` is when it was sent. */
export interface Probe extends Answer {
  readonly t: number;
  readonly node: number;
  readonly ms: number;
}
export interface CommandRun {
  readonly args: readonly string[];
  readonly ms: number;
  readonly code: number | null;
  readonly tail: string;
}
export interface FullCheck {
  readonly reads: number;
  readonly readsOk: number;
  readonly creates: number;
  readonly createsOk: number;
  /** Creates that succeeded only after being throttled (retried after a backoff, as the engine asks). */
  readonly throttled: number;
  readonly failed: readonly Answer[];
}
/** Times are ms from t = 0, when the fault command was launched. */
export interface DrillResult {
  readonly scenario: Scenario;
  readonly tier: Tier;
  readonly run: number;
  version: string | null;
  leader: number | null;
  fault: CommandRun | null;
  undo: CommandRun | null;
  undoAt: number;
  end: number;
  views: View[];
  probes: Probe[];
  fullCheck: FullCheck | null;
  error: string | null;
  /** Processes still alive after `stop --purge`, killed by PID. */
  leftovers: number[];
}

/** Keys carry their partition in the bits above 51. */
export const partitionOf = (key: string): number => Number(BigInt(key) >> 51n) + 1;

async function call(
  url: string,
  init: RequestInit,
  deadlineMs: number,
): Promise<{ outcome: string; ms: number; body: string }> {
  const began = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(deadlineMs) });
    const body = await response.text();
    return { outcome: response.ok ? 'ok' : `HTTP ${response.status}`, ms: performance.now() - began, body };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const code = (error as { cause?: { code?: string } }).cause?.code;
    const outcome =
      name === 'TimeoutError' || name === 'AbortError'
        ? 'timeout'
        : code === 'ECONNREFUSED'
          ? 'refused'
          : code === 'ECONNRESET'
            ? 'reset'
            : (code ?? 'error');
    return { outcome, ms: performance.now() - began, body: '' };
  }
}

const jsonPost = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const create = (url: string, deadlineMs: number) =>
  call(`${url}/v2/process-instances`, jsonPost({ processDefinitionId: PROCESS_ID, variables: {} }), deadlineMs);
const read = (url: string, key: string, deadlineMs: number) =>
  call(`${url}/v2/process-instances/${key}`, {}, deadlineMs);

async function viewOf(url: string): Promise<PartitionView[] | null> {
  const answer = await call(`${url}/console/api/topology`, {}, VIEW_DEADLINE_MS);
  if (answer.outcome !== 'ok') return null;
  try {
    const body = JSON.parse(answer.body) as {
      partitions: Array<{ partition_id: number; leader?: unknown; raft_term?: unknown; owner?: unknown }>;
    };
    const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
    return [...body.partitions]
      .sort((a, b) => a.partition_id - b.partition_id)
      .map((p) => ({ leader: num(p.leader), term: num(p.raft_term), owner: num(p.owner) }));
  } catch {
    return null;
  }
}

/** Deploys through node 0, then 9 creates round-robin through nodes 0, 1, 2: their keys. */
async function createWork(urls: readonly string[]): Promise<string[]> {
  const form = new FormData();
  form.append(
    'resources',
    new Blob([readFileSync(path.join(ROOT, 'test', 'fixtures', 'one-task.bpmn'))], { type: 'application/xml' }),
    'one-task.bpmn',
  );
  const deployed = await call(`${urls[0]}/v2/deployments`, { method: 'POST', body: form }, SETUP_DEADLINE_MS);
  if (deployed.outcome !== 'ok')
    throw new Error(`deploy through node 0: ${deployed.outcome} ${deployed.body.slice(0, 200)}`);
  const keys: string[] = [];
  for (let i = 0; i < 9; i += 1) {
    const created = await create(urls[i % 3]!, SETUP_DEADLINE_MS);
    if (created.outcome !== 'ok')
      throw new Error(`create ${i + 1} of 9 through node ${i % 3}: ${created.outcome} ${created.body.slice(0, 200)}`);
    keys.push(String((JSON.parse(created.body) as { processInstanceKey: string | number }).processInstanceKey));
  }
  return keys;
}

/** The leader of partition 1 most nodes name (start waited for every node to agree). */
async function leaderOfPartition1(urls: readonly string[]): Promise<number> {
  const views = await Promise.all(urls.map(viewOf));
  const named = views.map((v) => v?.[0]?.leader ?? null).filter((l): l is number => l !== null);
  const leader = named.find((l) => named.filter((m) => m === l).length * 2 > urls.length);
  if (leader === undefined)
    throw new Error(`no agreed leader of partition 1 before the fault (views: ${JSON.stringify(named)})`);
  return leader;
}

/** Views every VIEW_EVERY_MS and probes every PROBE_EVERY_MS through each node, until stop(). */
function observe(
  urls: readonly string[],
  readKey: string,
  clock: () => number,
  into: DrillResult,
): () => Promise<void> {
  let watching = true;
  const inFlight: Promise<void>[] = [];
  const viewLoop = async (node: number): Promise<void> => {
    for (let next = clock(); watching; ) {
      const partitions = await viewOf(urls[node]!);
      into.views.push({ t: clock(), node, partitions });
      // A view that took its whole deadline skips the ticks it missed rather than bursting to catch up.
      next = Math.max(next + VIEW_EVERY_MS, clock());
      await sleep(Math.max(0, next - clock()));
    }
  };
  const probe = async (node: number, kind: Probe['kind']): Promise<void> => {
    const t = clock();
    const answer =
      kind === 'create'
        ? await create(urls[node]!, PROBE_DEADLINE_MS)
        : await read(urls[node]!, readKey, PROBE_DEADLINE_MS);
    into.probes.push({ t, node, ms: answer.ms, ...answerOf(kind, answer) });
  };
  // Probes are sent on the clock, not after the previous answer: a hung node costs no samples.
  const probeLoop = async (node: number): Promise<void> => {
    for (let next = clock(); watching; ) {
      inFlight.push(probe(node, 'create'), probe(node, 'read'));
      next += PROBE_EVERY_MS;
      await sleep(Math.max(0, next - clock()));
    }
  };
  const loops = NODES.flatMap((node) => [viewLoop(node), probeLoop(node)]);
  return async () => {
    watching = false;
    await Promise.all(loops);
    await Promise.all(inFlight);
  };
}

/** An engine error body in a few words: its title and the start of its detail. */
function briefly(body: string): string {
  try {
    const problem = JSON.parse(body) as { title?: unknown; status?: unknown; detail?: unknown };
    const detail =
      typeof problem.detail === 'string'
        ? `: ${problem.detail.slice(0, 60)}${problem.detail.length > 60 ? '…' : ''}`
        : '';
    return `${String(problem.title ?? '')}${typeof problem.status === 'number' ? ` (${problem.status})` : ''}${detail}`;
  } catch {
    return body.slice(0, 80).replace(/\s+/g, ' ');
  }
}

const answerOf = (kind: Answer['kind'], answer: { outcome: string; body: string }): Answer => ({
  kind,
  outcome: answer.outcome,
  ...(answer.outcome.startsWith('HTTP') ? { detail: briefly(answer.body) } : {}),
});

/**
 * The engine's admission control refusing a create (HTTP 503 RESOURCE_EXHAUSTED, or a 500 "Peer error"
 * wrapping it): "a shared write path (raft-log fsync or the read-model export queue) is saturated …
 * Retry after a backoff". On the project's 2-core VM it also tripped without any fault, under the
 * drills' own probes alone (the baseline row of the report): load, not only the fault.
 */
export const isThrottled = (a: Answer): boolean => a.detail?.includes('Admission control') === true;

const THROTTLE_RETRIES = 5;
const THROTTLE_BACKOFF_MS = 1_000;

/**
 * One call after another, as test/e2e/tier-drills.test.ts checks. A throttled create is retried after
 * a backoff, as the engine asks: the check is whether each node can still create at all.
 */
async function fullCheck(urls: readonly string[], keys: readonly string[]): Promise<FullCheck> {
  const reads: Answer[] = [];
  const creates: Answer[] = [];
  let throttled = 0;
  for (const url of urls) {
    for (const key of keys) reads.push(answerOf('read', await read(url, key, SETUP_DEADLINE_MS)));
    for (let i = 0; i < 3; i += 1) {
      let answer = answerOf('create', await create(url, SETUP_DEADLINE_MS));
      for (let retry = 0; retry < THROTTLE_RETRIES && isThrottled(answer); retry += 1) {
        await sleep(THROTTLE_BACKOFF_MS);
        answer = answerOf('create', await create(url, SETUP_DEADLINE_MS));
        if (answer.outcome === 'ok') throttled += 1;
      }
      creates.push(answer);
    }
  }
  const ok = (answers: readonly Answer[]): number => answers.filter((a) => a.outcome === 'ok').length;
  const failed = [...reads, ...creates].filter((a) => a.outcome !== 'ok');
  return {
    reads: reads.length,
    readsOk: ok(reads),
    creates: creates.length,
    createsOk: ok(creates),
    throttled,
    failed,
  };
}

/** The cluster of the drill under way, for stopCurrentClusterSync. */
const current: { home: string | null; pids: Set<number> } = { home: null, pids: new Set() };

/** Node and link proxy PIDs from `<home>/cluster.json`, kept (a restarted node gets a new one) and registered for cleanup. */
function rememberPids(home: string): void {
  try {
    const state = JSON.parse(readFileSync(path.join(home, 'cluster.json'), 'utf8')) as {
      nodes?: Array<{ pid?: number }>;
      linkProxy?: { pid?: number };
    };
    for (const pid of [...(state.nodes ?? []).map((n) => n.pid), state.linkProxy?.pid]) {
      if (typeof pid !== 'number') continue;
      current.pids.add(pid);
      registry.pids.add(pid);
    }
  } catch {
    // no cluster.json (yet, or any more): nothing new to remember
  }
}

/** From a signal handler: stop the cluster under way with the CLI and kill what it leaves. processes.ts then sweeps and deletes the home. */
export function stopCurrentClusterSync(): void {
  if (current.home === null) return;
  rememberPids(current.home);
  spawnSync(process.execPath, [runFrom.bin, 'stop', '--purge', '--timeout', '5'], {
    cwd: runFrom.root,
    env: envFor(current.home),
    stdio: 'ignore',
    timeout: 15_000,
  });
  for (const pid of current.pids) killOurs(pid);
}

const commandRun = async (args: readonly string[] | null, home: string): Promise<CommandRun | null> => {
  if (args === null) return null;
  const run = await cli(args, home);
  return { args, ms: run.ms, code: run.code, tail: describeRun(run) };
};

export async function runDrill(scenario: Scenario, tier: Tier, runNumber: number): Promise<DrillResult> {
  const result: DrillResult = {
    scenario,
    tier,
    run: runNumber,
    version: null,
    leader: null,
    fault: null,
    undo: null,
    undoAt: 0,
    end: 0,
    views: [],
    probes: [],
    fullCheck: null,
    error: null,
    leftovers: [],
  };
  await ensureQuiet(`${scenario.id} ${tier} run ${runNumber}`);
  const home = newHome();
  current.home = home;
  current.pids = new Set();
  let stopObserving: (() => Promise<void>) | null = null;
  try {
    const base = await freeBase(NODES.length);
    const urls = NODES.map((i) => `http://127.0.0.1:${base + i}`);
    const started = await cli(
      ['start', '3', '--rf', '3', '--port', String(base), '--replication', tier, '--network-faults', '--json'],
      home,
    );
    rememberPids(home);
    if (started.code !== 0) throw new Error(`start: ${describeRun(started)}`);
    result.version = (JSON.parse(started.stdout) as { binary?: { version?: string } }).binary?.version ?? null;
    const keys = await createWork(urls);
    const readKey = keys.find((key) => partitionOf(key) === 1);
    if (readKey === undefined) throw new Error(`none of the 9 instances is on partition 1 (keys ${keys.join(', ')})`);
    const leader = await leaderOfPartition1(urls);
    result.leader = leader;

    const t0 = performance.now();
    const clock = (): number => performance.now() - t0;
    stopObserving = observe(urls, readKey, clock, result);
    result.fault = await commandRun(scenario.fault(leader, (leader + 1) % NODES.length), home);
    await sleep(Math.max(0, FAULT_MS - clock()));
    result.undoAt = clock();
    result.undo = await commandRun(scenario.undo(leader), home);
    rememberPids(home);
    await sleep(AFTER_MS);
    result.end = clock();
    await stopObserving();
    stopObserving = null;
    result.fullCheck = await fullCheck(urls, keys);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    await stopObserving?.();
    rememberPids(home);
    const stopped = await cli(['stop', '--purge'], home);
    result.leftovers = await waitGone([...current.pids], 5_000);
    if (stopped.code !== 0 || result.leftovers.length > 0)
      process.stderr.write(
        `drills: stop --purge: ${describeRun(stopped)}; killing ${result.leftovers.length} process(es) left\n`,
      );
    // Only ours (the env marker): a PID freed and reused since is left alone.
    for (const pid of result.leftovers) killOurs(pid);
    for (const pid of current.pids) registry.pids.delete(pid);
    current.home = null;
    dropHome(home);
  }
  return result;
}
