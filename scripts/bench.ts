// npm run bench: wall-clock benchmark of the CLI against floors measured in the same run.
//
// Cases: the plugin entry's import cost; `start N` to ready (N = 1, 3, 8, 16, RF 1) against the
// same engine binary spawned directly and polled tightly for the same readiness condition; `status`
// on a healthy and on a partly frozen 3-node cluster; `stop` (N = 3, 16) against SIGTERM + child
// exit. Prints a table and writes bench-results/<timestamp>.json and bench-results/latest.json.
//
// The CLI runs from a private copy of the build made when the bench starts (dist/, the root entry,
// package.json and binary-manifest.json, with node_modules linked), so a concurrent `npm run build`,
// which deletes dist/, cannot break a run half-way. It is the same code, run the same way.
//
// Safety: loopback and test-bound free ports only; every process started carries an env marker and
// its PID is registered, and all of them are killed by PID on exit, SIGINT or SIGTERM (plus a sweep of
// /proc for the marker). Temporary homes are deleted at the end.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findEngineBinary } from '../src/binary/find.js';
import { planNodes, processEnv, type NodePlan } from '../src/cluster/plan.js';
import { unreachedPeers } from '../src/cluster/peers.js';
import { identifyProduct, leadershipSettled, readLeadership } from '../src/cluster/topology.js';
import { layoutFor } from '../src/state/layout.js';
import { createHttpProbe, type HttpProbe } from '../src/os/http-probe.js';

// ---------------------------------------------------------------------------------------------
// Configuration

const ROOT = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
const RESULTS_DIR = path.join(ROOT, 'bench-results');
/** Set by snapshotBuild(): the private copy the CLI runs from, its bin and its plugin entry. */
let RUN_ROOT = ROOT;
let BIN = path.join(ROOT, 'dist', 'src', 'bin.js');
let ENTRY = path.join(ROOT, 'c8ctl-plugin.js');

const IMPORT_WARMUP = 3;
const IMPORT_REPS = 20;
const START_SIZES = [1, 3, 8, 16] as const;
const START_REPS: Record<number, number> = { 1: 20, 3: 20, 8: 10, 16: 10 };
const STOP_SIZES = new Set([3, 16]);
const STATUS_WARMUP = 2;
const STATUS_REPS = 20;
/** Pause between "ready" and stopping, the same for the CLI and the floor. */
const SETTLE_MS = 300;
/** Pause after a cluster is gone before the next measurement. */
const QUIET_MS = 100;
const FLOOR_POLL_MS = 3;
const FLOOR_REQUEST_TIMEOUT_MS = 500;
const READY_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 15_000;

const MARKER = 'C8CTL_NANO_BENCH_OWNER';
const MARKER_VALUE = `${process.pid}-${randomBytes(4).toString('hex')}`;
const CLUSTER_SECRET = 'NANOBPMN_CLUSTER_SECRET';

// ---------------------------------------------------------------------------------------------
// Registry of everything we start, cleaned up whatever happens

const registry = { pids: new Set<number>(), homes: new Set<string>() };

function hasMarker(pid: number): boolean {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && environ.includes(`${MARKER}=${MARKER_VALUE}\0`);
  } catch {
    return false;
  }
}

function markedProcesses(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    if (hasMarker(Number(entry))) pids.push(Number(entry));
  }
  return pids;
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

function killHard(pid: number): void {
  kill(pid, 'SIGCONT');
  kill(pid, 'SIGKILL');
}

function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

let cleanedUp = false;
/** Synchronous, so it also works from the 'exit' event. Returns the PIDs that had to be killed. */
function cleanupEverything(): number[] {
  if (cleanedUp) return [];
  cleanedUp = true;
  const killed = new Set<number>();
  for (const pid of registry.pids) {
    if (hasMarker(pid)) {
      killHard(pid);
      killed.add(pid);
    }
  }
  // A CLI killed mid-start may have spawned engines we have not registered yet: sweep twice.
  for (let round = 0; round < 2; round += 1) {
    for (const pid of markedProcesses()) {
      killHard(pid);
      killed.add(pid);
    }
    sleepSync(100);
  }
  for (const home of registry.homes) rmSync(home, { recursive: true, force: true });
  registry.homes.clear();
  return [...killed];
}

process.on('exit', () => {
  cleanupEverything();
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping every process it started…\n`);
    cleanupEverything();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

function snapshotBuild(): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'c8ctl-nano-bench-build-'));
  registry.homes.add(dir);
  cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
  for (const file of ['package.json', 'binary-manifest.json', 'c8ctl-plugin.js']) copyFileSync(path.join(ROOT, file), path.join(dir, file));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  RUN_ROOT = dir;
  BIN = path.join(dir, 'dist', 'src', 'bin.js');
  ENTRY = path.join(dir, 'c8ctl-plugin.js');
}

// Background load: CPU busy share of the whole machine during the pauses between runs, when none of
// our engines is starting or stopping. Another program busy meanwhile makes every number slower.
const backgroundBusy: number[] = [];
function cpuTimes(): { idle: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { idle, total: fields.reduce((a, b) => a + b, 0) };
}
async function quietPause(ms: number): Promise<void> {
  let before: { idle: number; total: number } | undefined;
  try {
    before = cpuTimes();
  } catch {
    // no /proc/stat: just pause
  }
  await sleep(ms);
  if (!before) return;
  const after = cpuTimes();
  const total = after.total - before.total;
  if (total > 0) backgroundBusy.push(1 - (after.idle - before.idle) / total);
}

function newHome(): string {
  const home = mkdtempSync(path.join(os.tmpdir(), 'c8ctl-nano-bench-'));
  registry.homes.add(home);
  return home;
}

function dropHome(home: string): void {
  rmSync(home, { recursive: true, force: true });
  registry.homes.delete(home);
}

function envFor(home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  env[MARKER] = MARKER_VALUE;
  env.C8CTL_NANO_HOME = home;
  return env;
}

/** Before every measurement: nothing of ours may still run (it would also steal CPU). */
const leaks: Array<{ before: string; pids: number[] }> = [];
async function ensureQuiet(before: string): Promise<void> {
  const left = markedProcesses();
  if (left.length > 0) {
    leaks.push({ before, pids: left });
    process.stderr.write(`bench: warning: ${left.length} process(es) of ours still ran before ${before}; killed.\n`);
    for (const pid of left) killHard(pid);
    await sleep(200);
  }
}

// ---------------------------------------------------------------------------------------------
// Ports: test-bound on all interfaces (where the engine binds), never reused within a run

const usedBases = new Set<number>();

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function portBand(): { low: number; high: number } {
  // Below the ephemeral range when it leaves room, so outgoing connections do not take our ports.
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && low - 20_000 >= 4_000) return { low: 20_000, high: low - 20 };
  } catch {
    // not Linux-like; fall through
  }
  return { low: 20_000, high: 59_980 };
}

async function freeBase(count: number): Promise<number> {
  const { low, high } = portBand();
  const slots = Math.floor((high - low) / 20);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const base = low + Math.floor(Math.random() * slots) * 20;
    if (usedBases.has(base)) continue;
    const checks = await Promise.all(Array.from({ length: Math.max(count, 20) }, (_, i) => portFree(base + i)));
    if (checks.every(Boolean)) {
      usedBases.add(base);
      return base;
    }
  }
  throw new Error(`No ${count} consecutive free ports found`);
}

// ---------------------------------------------------------------------------------------------
// Running the CLI

interface Run {
  readonly ms: number;
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runNode(args: readonly string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const began = performance.now();
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, args, { cwd: RUN_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      reject(error);
      return;
    }
    if (child.pid !== undefined) registry.pids.add(child.pid);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let exited: { ms: number; code: number | null; signal: string | null } | undefined;
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      exited = { ms: performance.now() - began, code, signal };
    });
    child.once('close', () => {
      if (child.pid !== undefined) registry.pids.delete(child.pid);
      const e = exited ?? { ms: performance.now() - began, code: child.exitCode, signal: child.signalCode };
      resolve({ ...e, stdout, stderr });
    });
  });
}

const cli = (args: readonly string[], home: string): Promise<Run> => runNode([BIN, ...args], envFor(home));

function describeRun(run: Run): string {
  const text = `${run.stderr}\n${run.stdout}`.trim().split('\n').slice(-4).join(' | ');
  return `exit ${run.code ?? run.signal}: ${text.slice(0, 400)}`;
}

interface StateNode {
  readonly id: number;
  readonly pid: number;
}

function readStateNodes(home: string): StateNode[] {
  try {
    const state = JSON.parse(readFileSync(path.join(home, 'cluster.json'), 'utf8')) as { nodes?: StateNode[] };
    return state.nodes ?? [];
  } catch {
    return [];
  }
}

async function waitGone(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0 || performance.now() > deadline) return alive;
    await sleep(10);
  }
}

// ---------------------------------------------------------------------------------------------
// The floor: the engine binary spawned directly, polled tightly for the same readiness condition

interface FloorCluster {
  readonly children: ChildProcess[];
  readonly exits: Array<Promise<void>>;
  readonly home: string;
}

let engineBinary = '';

function prepareFloor(nodes: number, basePort: number): { home: string; plan: NodePlan[]; env: Record<string, string> } {
  const home = newHome();
  const layout = layoutFor(home);
  const env = envFor(home);
  // As start does: the user's own secret wins, otherwise one per cluster. Passed as a variable, not a
  // literal, so this compiles whether or not planNodes takes the secret yet.
  const planInputs = {
    shape: { nodes, basePort, partitions: nodes, rf: 1, raft: false, capture: false },
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
async function floorStart(nodes: number, basePort: number): Promise<{ ms: number; cluster: FloorCluster }> {
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
async function floorStop(cluster: FloorCluster): Promise<number> {
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

// ---------------------------------------------------------------------------------------------
// Samples and statistics

interface Sample {
  readonly ms: number;
  readonly rep: number;
  readonly extra?: Record<string, unknown>;
}
interface Failure {
  readonly rep: number;
  readonly error: string;
}
interface Series {
  readonly samples: Sample[];
  readonly failures: Failure[];
  readonly warmup: Sample[];
}

const series = new Map<string, Series>();
function seriesFor(id: string): Series {
  let s = series.get(id);
  if (!s) {
    s = { samples: [], failures: [], warmup: [] };
    series.set(id, s);
  }
  return s;
}
/** A negative rep is a warm-up: kept in the JSON, left out of the statistics. */
function record(id: string, rep: number, ms: number, extra?: Record<string, unknown>): void {
  const s = seriesFor(id);
  (rep < 0 ? s.warmup : s.samples).push(extra ? { ms, rep, extra } : { ms, rep });
}
function recordFailure(id: string, rep: number, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  seriesFor(id).failures.push({ rep, error: message });
  process.stderr.write(`bench: ${id} rep ${rep} failed: ${message}\n`);
}

interface Stats {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

function stats(id: string): Stats | null {
  const values = (series.get(id)?.samples ?? []).map((s) => s.ms).sort((a, b) => a - b);
  if (values.length === 0) return null;
  const mid = Math.floor(values.length / 2);
  const median = values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  return { n: values.length, median, min: values[0]!, max: values.at(-1)!, mean: values.reduce((a, b) => a + b, 0) / values.length };
}

// ---------------------------------------------------------------------------------------------
// The cases

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function benchImports(): Promise<void> {
  progress(`entry import and --version: ${IMPORT_WARMUP} warm-up + ${IMPORT_REPS} interleaved runs each`);
  const env = envFor(os.tmpdir());
  const variants: Array<[string, string[]]> = [
    ['node-empty', ['--input-type=module', '-e', '']],
    ['entry-import', ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(ENTRY).href)})`]],
    ['bin-version', [BIN, '--version']],
  ];
  for (let rep = -IMPORT_WARMUP; rep < IMPORT_REPS; rep += 1) {
    await quietPause(QUIET_MS / 2);
    // Rotate the order so no variant always runs right after another.
    const order = variants.map((_, i) => variants[(i + Math.abs(rep)) % variants.length]!);
    for (const [id, args] of order) {
      const run = await runNode(args, env);
      if (run.code !== 0) {
        recordFailure(id, rep, describeRun(run));
        continue;
      }
      record(id, rep, run.ms);
    }
  }
}

async function cliStartOnce(nodes: number, rep: number): Promise<void> {
  const timedStop = STOP_SIZES.has(nodes);
  const home = newHome();
  try {
    const base = await freeBase(nodes);
    await ensureQuiet(`cli start ${nodes}`);
    const start = await cli(['start', String(nodes), '--port', String(base)], home);
    const stateNodes = readStateNodes(home);
    for (const n of stateNodes) registry.pids.add(n.pid);
    if (start.code !== 0) {
      recordFailure(`start-${nodes}`, rep, describeRun(start));
    } else {
      const readyIn = /ready in ([\d.]+) s/.exec(start.stdout)?.[1];
      record(`start-${nodes}`, rep, start.ms, { reportedReadyMs: readyIn === undefined ? null : Number(readyIn) * 1000 });
    }
    await sleep(SETTLE_MS);
    const pids = stateNodes.map((n) => n.pid);
    const stop = await cli(timedStop ? ['stop'] : ['stop', '--purge'], home);
    const alive = await waitGone(pids, 2_000);
    if (timedStop && start.code === 0) {
      if (stop.code !== 0) recordFailure(`stop-${nodes}`, rep, describeRun(stop));
      else if (alive.length > 0) recordFailure(`stop-${nodes}`, rep, `stop exited 0 but pid(s) ${alive.join(', ')} still ran`);
      else record(`stop-${nodes}`, rep, stop.ms);
    } else if (stop.code !== 0 || alive.length > 0) {
      process.stderr.write(`bench: untimed stop after start ${nodes} rep ${rep}: ${describeRun(stop)}\n`);
    }
    for (const pid of alive) killHard(pid);
    for (const pid of pids) registry.pids.delete(pid);
  } finally {
    dropHome(home);
  }
}

async function floorOnce(nodes: number, rep: number): Promise<void> {
  const base = await freeBase(nodes);
  await ensureQuiet(`floor start ${nodes}`);
  let started: { ms: number; cluster: FloorCluster };
  try {
    started = await floorStart(nodes, base);
  } catch (error) {
    recordFailure(`floor-start-${nodes}`, rep, error);
    return;
  }
  record(`floor-start-${nodes}`, rep, started.ms);
  await sleep(SETTLE_MS);
  try {
    record(`floor-stop-${nodes}`, rep, await floorStop(started.cluster));
  } catch (error) {
    recordFailure(`floor-stop-${nodes}`, rep, error);
  }
}

async function benchStartStop(): Promise<void> {
  const maxReps = Math.max(...START_SIZES.map((n) => START_REPS[n] ?? 0));
  progress(`start/stop: reps ${START_SIZES.map((n) => `N=${n}×${START_REPS[n]}`).join(', ')} (+1 warm-up at N=3), CLI and floor interleaved`);
  // Warm-up (rep -1): page cache, engine binary, first-run effects. Recorded, not counted.
  await cliStartOnce(3, -1);
  await quietPause(QUIET_MS);
  await floorOnce(3, -1);
  await quietPause(QUIET_MS);
  for (let rep = 0; rep < maxReps; rep += 1) {
    for (const nodes of START_SIZES) {
      if (rep >= (START_REPS[nodes] ?? 0)) continue;
      const order = rep % 2 === 0 ? [cliStartOnce, floorOnce] : [floorOnce, cliStartOnce];
      for (const step of order) {
        try {
          await step(nodes, rep);
        } catch (error) {
          recordFailure(step === cliStartOnce ? `start-${nodes}` : `floor-start-${nodes}`, rep, error);
        }
        await quietPause(QUIET_MS);
      }
    }
    progress(`  rep ${rep + 1}/${maxReps} done`);
  }
}

async function benchStatus(): Promise<void> {
  progress(`status: a 3-node cluster, ${STATUS_WARMUP} warm-up + ${STATUS_REPS} healthy and ${STATUS_REPS} frozen runs, interleaved`);
  const home = newHome();
  try {
    const base = await freeBase(3);
    await ensureQuiet('status cluster');
    const start = await cli(['start', '3', '--port', String(base)], home);
    const nodes = readStateNodes(home);
    for (const n of nodes) registry.pids.add(n.pid);
    if (start.code !== 0) throw new Error(`status: could not start the cluster: ${describeRun(start)}`);
    const frozen = nodes.find((n) => n.id === 2);
    if (!frozen) throw new Error('status: cluster.json has no node 2');
    await sleep(SETTLE_MS);
    for (let rep = -STATUS_WARMUP; rep < STATUS_REPS; rep += 1) {
      const healthy = await cli(['status'], home);
      if (healthy.code !== 0) recordFailure('status-healthy', rep, describeRun(healthy));
      else record('status-healthy', rep, healthy.ms);

      kill(frozen.pid, 'SIGSTOP');
      try {
        const run = await cli(['status'], home);
        // Exit 2 = degraded: what a frozen node must produce.
        if (run.code !== 2) recordFailure('status-frozen', rep, `expected exit 2 (degraded); ${describeRun(run)}`);
        else record('status-frozen', rep, run.ms);
      } finally {
        kill(frozen.pid, 'SIGCONT');
      }
      await quietPause(QUIET_MS);
    }
    const stop = await cli(['stop', '--purge'], home);
    const alive = await waitGone(nodes.map((n) => n.pid), 2_000);
    if (stop.code !== 0 || alive.length > 0) process.stderr.write(`bench: stopping the status cluster: ${describeRun(stop)}\n`);
    for (const pid of alive) killHard(pid);
  } finally {
    dropHome(home);
  }
}

// ---------------------------------------------------------------------------------------------
// Report

interface Row {
  readonly case: string;
  readonly id: string;
  readonly n: number;
  readonly failures: number;
  readonly median: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly floorCase: string | null;
  readonly floorMedian: number | null;
  readonly overhead: number | null;
  readonly target: string;
  readonly met: boolean | null;
}

function buildRows(): Row[] {
  const rows: Row[] = [];
  const add = (label: string, id: string, floorId: string | null, floorLabel: string | null, target: string, met: ((s: Stats, floor: number | null) => boolean) | null): void => {
    const s = stats(id);
    const f = floorId ? stats(floorId) : null;
    const floorMedian = f?.median ?? null;
    rows.push({
      case: label,
      id,
      n: s?.n ?? 0,
      failures: series.get(id)?.failures.length ?? 0,
      median: s?.median ?? null,
      min: s?.min ?? null,
      max: s?.max ?? null,
      floorCase: floorLabel,
      floorMedian,
      overhead: s && floorMedian !== null ? s.median - floorMedian : null,
      target,
      met: s && met ? met(s, floorMedian) : null,
    });
  };
  const within = (limit: number) => (s: Stats, floor: number | null) => floor !== null && s.median - floor <= limit;
  add('entry import (c8ctl-plugin.js)', 'entry-import', 'node-empty', 'node, empty module', '≤ floor + 10 ms', within(10));
  add('c8ctl-nano --version', 'bin-version', 'node-empty', 'node, empty module', '—', null);
  for (const n of START_SIZES) {
    const target = n === 3 ? '≤ floor + 100 ms' : n === 16 ? '≤ 2 × floor' : '—';
    const met = n === 3 ? within(100) : n === 16 ? (s: Stats, floor: number | null) => floor !== null && s.median <= 2 * floor : null;
    add(`start ${n} (RF 1) to ready`, `start-${n}`, `floor-start-${n}`, 'direct spawn + tight poll', target, met);
  }
  add('status, healthy 3 nodes', 'status-healthy', 'node-empty', 'node, empty module', '≤ 150 ms', (s) => s.median <= 150);
  add('status, 3 nodes, 1 frozen', 'status-frozen', 'status-healthy', 'status, healthy', '≤ healthy + 100 ms', within(100));
  for (const n of [...STOP_SIZES].sort((a, b) => a - b)) {
    add(`stop ${n}`, `stop-${n}`, `floor-stop-${n}`, 'SIGTERM + child exit', n === 3 ? '≤ floor + 100 ms' : '—', n === 3 ? within(100) : null);
  }
  return rows;
}

const fmt = (v: number | null): string => (v === null ? '—' : v.toFixed(0));

function table(rows: readonly Row[]): string {
  const header = ['case', 'n', 'median ms', 'min', 'max', 'floor median', 'overhead', 'target', 'met?'];
  const body = rows.map((r) => [
    r.case + (r.failures > 0 ? ` (${r.failures} failed)` : ''),
    String(r.n),
    fmt(r.median),
    fmt(r.min),
    fmt(r.max),
    fmt(r.floorMedian),
    r.overhead === null ? '—' : `${r.overhead >= 0 ? '+' : ''}${r.overhead.toFixed(0)}`,
    r.target,
    r.met === null ? '—' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, c) => (c >= 1 && c <= 6 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (c >= 1 && c <= 6 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

function machineFacts(): Record<string, unknown> {
  let cpuModel: string | null = null;
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? null;
  } catch {
    cpuModel = os.cpus()[0]?.model ?? null;
  }
  const engine = spawnSync(engineBinary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const git = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' });
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version?: string };
  return {
    cpuModel,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    engine: { binary: engineBinary, version: /(\d+\.\d+\.\d+\S*)/.exec(engine.stdout ?? '')?.[1] ?? null, versionOutput: engine.stdout?.trim() ?? null },
    plugin: pkg.version ?? null,
    git: git.status === 0 ? { commit: git.stdout.trim(), dirty: dirty.stdout.trim() !== '' } : null,
  };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startedAt = new Date();
  snapshotBuild();
  engineBinary = findEngineBinary({ env: process.env, cwd: ROOT }).path;
  const machine = machineFacts();
  const loadBefore = os.loadavg();
  progress(`bench: engine ${(machine.engine as { version: string | null }).version ?? '?'} at ${engineBinary}; node ${process.version}; ${String(machine.cores)} cores; load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  if (markedProcesses().length > 0) throw new Error('processes with this run\'s marker exist before it began (impossible)');

  await benchImports();
  await benchStartStop();
  await benchStatus();

  const killedAtEnd = markedProcesses();
  for (const pid of killedAtEnd) killHard(pid);
  const loadAfter = os.loadavg();
  const finishedAt = new Date();
  const rows = buildRows();
  const rendered = table(rows);
  process.stdout.write(`\n${rendered}\n\n`);
  process.stdout.write('floors: entry/--version/status healthy → a fresh `node` importing nothing; start → the engine spawned directly and polled every 3 ms; stop → SIGTERM + child exit; frozen → healthy median.\n');
  const busy = [...backgroundBusy].sort((a, b) => a - b);
  const background = busy.length === 0 ? null : { samples: busy.length, median: busy[Math.floor(busy.length / 2)]!, p90: busy[Math.floor(busy.length * 0.9)]!, max: busy.at(-1)! };
  if (background) {
    const pct = (v: number): string => `${(v * 100).toFixed(0)} %`;
    process.stdout.write(`background CPU busy between runs (whole machine, ${String(os.cpus().length)} cores): median ${pct(background.median)}, p90 ${pct(background.p90)}, max ${pct(background.max)}${background.p90 > 0.25 ? ' — WARNING: something else was busy; numbers are inflated, rerun on a quiet machine' : ''}.\n`);
  }
  const failures = [...series.entries()].flatMap(([id, s]) => s.failures.map((f) => ({ id, ...f })));
  if (failures.length > 0) process.stdout.write(`${failures.length} failed run(s) (excluded from the statistics, listed in the JSON).\n`);

  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationS: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
    machine: { ...machine, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter, backgroundCpuBusy: background },
    settings: {
      importWarmup: IMPORT_WARMUP,
      importReps: IMPORT_REPS,
      startReps: START_REPS,
      stopSizes: [...STOP_SIZES],
      statusWarmup: STATUS_WARMUP,
      statusReps: STATUS_REPS,
      settleMs: SETTLE_MS,
      quietMs: QUIET_MS,
      floorPollMs: FLOOR_POLL_MS,
      frozenNode: 2,
      ranFrom: 'a private copy of dist/ made at the start of the run',
    },
    rows,
    table: rendered,
    series: Object.fromEntries([...series.entries()].map(([id, s]) => [id, { stats: stats(id), ...s }])),
    failures,
    leaksBetweenRuns: leaks,
    processesLeftAtEnd: killedAtEnd,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = startedAt.toISOString().replace(/:/g, '-');
  const json = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(path.join(RESULTS_DIR, `${stamp}.json`), json);
  writeFileSync(path.join(RESULTS_DIR, 'latest.json'), json);
  process.stdout.write(`Results: ${path.relative(ROOT, path.join(RESULTS_DIR, `${stamp}.json`))} (and bench-results/latest.json), ${report.durationS} s.\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
