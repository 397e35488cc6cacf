// The cases: entry import and --version, start/stop at several sizes against the floor, status on a
// healthy and a partly frozen cluster. Each CLI run and its floor run alternate.
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { quietPause } from './background-load.js';
import {
  IMPORT_REPS,
  IMPORT_WARMUP,
  QUIET_MS,
  RF3_REPS,
  SETTLE_MS,
  START_REPS,
  START_SIZES,
  STATUS_REPS,
  STATUS_WARMUP,
  STOP_SIZES,
} from './config.js';
import { floorStart, floorStop, type FloorCluster } from './floor.js';
import { dropHome, envFor, newHome, runFrom } from './homes.js';
import { freeBase } from './ports.js';
import { ensureQuiet, kill, killOurs, registry } from './processes.js';
import { withCliCluster } from './cli-cluster.js';
import { cli, describeRun, readStateNodes, runNode, waitGone, type Run } from './run-cli.js';
import { record, recordFailure } from './samples.js';

export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** A fresh `node` that runs nothing: the floor of every case that is one Node command. */
const BARE_NODE = ['--input-type=module', '-e', ''] as const;

/**
 * One bare `node`, timed beside the CLI run it is the floor of. The VM's speed moves by 20-40 ms
 * over the minutes a bench takes, so a floor measured in another phase says more about the hour
 * than about our code: each phase has its own series (`node-empty` for imports, `node-empty-start`,
 * `node-empty-status`).
 */
async function sampleBareNode(
  id: string,
  rep: number,
  options: { env?: Record<string, string>; beside?: string } = {},
): Promise<void> {
  // `beside` names the case this run is the floor of, for the paired overhead (samples.ts).
  recordRun(
    id,
    rep,
    await runNode(BARE_NODE, options.env ?? envFor(os.tmpdir())),
    options.beside === undefined ? undefined : { beside: options.beside },
  );
}

/** A timed run as a sample of `id`, or as a failure of it when it exited non-zero. */
function recordRun(id: string, rep: number, run: Run, extra?: Record<string, unknown>): void {
  if (run.code !== 0) recordFailure(id, rep, describeRun(run));
  else record(id, rep, run.ms, extra);
}

export async function benchImports(): Promise<void> {
  progress(`entry import and --version: ${IMPORT_WARMUP} warm-up + ${IMPORT_REPS} interleaved runs each`);
  const env = envFor(os.tmpdir());
  const emptyModule = pathToFileURL(path.join(runFrom.root, 'dist', 'scripts', 'bench', 'empty-module.js')).href;
  const importing = (...urls: string[]): readonly string[] => [
    '--input-type=module',
    '-e',
    urls.map((url) => `await import(${JSON.stringify(url)});`).join(' '),
  ];
  // c8ctl is ES modules itself: when it imports a plugin, Node's module file loader has already
  // loaded c8ctl's own files. An empty module imported first (another URL of the same empty file)
  // stands for them; what the entry adds to that is what it costs a c8ctl call.
  const loaderInUse = `${emptyModule}?as-c8ctl`;
  const variants: Array<[string, readonly string[]]> = [
    ['node-empty', BARE_NODE],
    ['entry-import', importing(pathToFileURL(runFrom.entry).href)],
    ['node-loader-in-use', importing(loaderInUse, emptyModule)],
    ['entry-import-in-use', importing(loaderInUse, pathToFileURL(runFrom.entry).href)],
    ['bin-version', [runFrom.bin, '--version']],
  ];
  // A machine-wide setting that every Node start pays, the CLI's and the floors' alike: with
  // NODE_EXTRA_CA_CERTS, Node 20 reads and parses that file before running anything (nodejs/node#40524).
  const { NODE_EXTRA_CA_CERTS: extraCa, ...withoutExtraCa } = env;
  for (let rep = -IMPORT_WARMUP; rep < IMPORT_REPS; rep += 1) {
    await quietPause(QUIET_MS / 2);
    if (extraCa !== undefined) await sampleBareNode('node-empty-no-extra-ca', rep, { env: withoutExtraCa });
    // Rotate the order so no variant always runs right after another.
    const order = variants.map((_, i) => variants[(i + Math.abs(rep)) % variants.length]!);
    for (const [id, args] of order) recordRun(id, rep, await runNode(args, env));
  }
}

async function cliStartOnce(nodes: number, rep: number, rf = 1): Promise<void> {
  const timedStop = rf === 1 && STOP_SIZES.has(nodes);
  const id = rf === 1 ? `start-${nodes}` : `start-${nodes}-rf${rf}`;
  const home = newHome();
  try {
    const base = await freeBase(nodes);
    await sampleBareNode('node-empty-start', rep, { beside: id });
    await ensureQuiet(`cli start ${nodes}`);
    const start = await cli(
      ['start', String(nodes), '--port', String(base), ...(rf > 1 ? ['--rf', String(rf)] : [])],
      home,
    );
    const stateNodes = readStateNodes(home);
    for (const n of stateNodes) registry.pids.add(n.pid);
    if (start.code !== 0) {
      recordFailure(id, rep, describeRun(start));
    } else {
      const readyIn = /ready in ([\d.]+) s/.exec(start.stdout)?.[1];
      record(id, rep, start.ms, { reportedReadyMs: readyIn === undefined ? null : Number(readyIn) * 1000 });
    }
    await sleep(SETTLE_MS);
    const pids = stateNodes.map((n) => n.pid);
    const stop = await cli(timedStop ? ['stop'] : ['stop', '--purge'], home);
    const alive = await waitGone(pids, 2_000);
    if (timedStop && start.code === 0) {
      if (stop.code !== 0) recordFailure(`stop-${nodes}`, rep, describeRun(stop));
      else if (alive.length > 0)
        recordFailure(`stop-${nodes}`, rep, `stop exited 0 but pid(s) ${alive.join(', ')} still ran`);
      else record(`stop-${nodes}`, rep, stop.ms);
    } else if (stop.code !== 0 || alive.length > 0) {
      process.stderr.write(`bench: untimed stop after start ${nodes} rep ${rep}: ${describeRun(stop)}\n`);
    }
    for (const pid of alive) killOurs(pid);
    for (const pid of pids) registry.pids.delete(pid);
    // The everyday path as well: start again in the same home (engine version cached, data kept),
    // against the same floor. Only for start 3, the case with targets.
    if (nodes === 3 && rf === 1 && start.code === 0 && stop.code === 0) await cliStartAgain(home, base, rep);
  } finally {
    dropHome(home);
  }
}

async function cliStartAgain(home: string, base: number, rep: number): Promise<void> {
  await sleep(SETTLE_MS);
  await ensureQuiet('cli start 3 again');
  const again = await cli(['start', '3', '--port', String(base)], home);
  const stateNodes = readStateNodes(home);
  for (const n of stateNodes) registry.pids.add(n.pid);
  recordRun('start-3-again', rep, again);
  await sleep(SETTLE_MS);
  const pids = stateNodes.map((n) => n.pid);
  await cli(['stop', '--purge'], home);
  for (const pid of await waitGone(pids, 2_000)) killOurs(pid);
  for (const pid of pids) registry.pids.delete(pid);
}

async function floorOnce(engineBinary: string, nodes: number, rep: number, rf = 1): Promise<void> {
  const suffix = rf === 1 ? `${nodes}` : `${nodes}-rf${rf}`;
  const base = await freeBase(nodes);
  await ensureQuiet(`floor start ${suffix}`);
  let started: { ms: number; cluster: FloorCluster };
  try {
    started = await floorStart(engineBinary, nodes, base, { rf });
  } catch (error) {
    recordFailure(`floor-start-${suffix}`, rep, error);
    return;
  }
  record(`floor-start-${suffix}`, rep, started.ms);
  await sleep(SETTLE_MS);
  // start 3 again (the CLI's second start of a home) has its own floor: the engines on kept data.
  const again = nodes === 3 && rf === 1;
  try {
    record(`floor-stop-${suffix}`, rep, await floorStop(started.cluster, again));
  } catch (error) {
    recordFailure(`floor-stop-${suffix}`, rep, error);
    return;
  }
  if (again) await floorStartAgain(engineBinary, started.cluster.home, rep);
}

async function floorStartAgain(engineBinary: string, home: string, rep: number): Promise<void> {
  try {
    await sleep(SETTLE_MS);
    const base = await freeBase(3);
    await ensureQuiet('floor start 3 again');
    let started: { ms: number; cluster: FloorCluster };
    try {
      started = await floorStart(engineBinary, 3, base, { rf: 1 }, home);
    } catch (error) {
      recordFailure('floor-start-3-again', rep, error);
      return;
    }
    record('floor-start-3-again', rep, started.ms);
    await sleep(SETTLE_MS);
    await floorStop(started.cluster, true).catch((error: unknown) => recordFailure('floor-start-3-again', rep, error));
  } finally {
    dropHome(home);
  }
}

/** `start 3 --rf 3` until every partition has a leader, against the engine alone with the same settings. */
export async function benchRaftStart(engineBinary: string, reps = RF3_REPS): Promise<void> {
  progress(`start 3 --rf 3: ${reps} reps, CLI and floor interleaved`);
  for (let rep = 0; rep < reps; rep += 1) {
    const order = rep % 2 === 0 ? ['cli', 'floor'] : ['floor', 'cli'];
    for (const which of order) {
      try {
        if (which === 'cli') await cliStartOnce(3, rep, 3);
        else await floorOnce(engineBinary, 3, rep, 3);
      } catch (error) {
        recordFailure(which === 'cli' ? 'start-3-rf3' : 'floor-start-3-rf3', rep, error);
      }
      await quietPause(QUIET_MS);
    }
  }
}

export async function benchStartStop(engineBinary: string): Promise<void> {
  const maxReps = Math.max(...START_SIZES.map((n) => START_REPS[n] ?? 0));
  progress(
    `start/stop: reps ${START_SIZES.map((n) => `N=${n}×${START_REPS[n]}`).join(', ')} (+1 warm-up at N=3), CLI and floor interleaved`,
  );
  // Warm-up (rep -1): page cache, engine binary, first-run effects. Recorded, not counted.
  const floorStep = (nodes: number, rep: number): Promise<void> => floorOnce(engineBinary, nodes, rep);
  await cliStartOnce(3, -1);
  await quietPause(QUIET_MS);
  await floorStep(3, -1);
  await quietPause(QUIET_MS);
  for (let rep = 0; rep < maxReps; rep += 1) {
    for (const nodes of START_SIZES) {
      if (rep >= (START_REPS[nodes] ?? 0)) continue;
      const order = rep % 2 === 0 ? [cliStartOnce, floorStep] : [floorStep, cliStartOnce];
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

export async function benchStatus(): Promise<void> {
  progress(
    `status: a 3-node cluster, ${STATUS_WARMUP} warm-up + ${STATUS_REPS} runs each of healthy (home given, and found by default) and frozen, interleaved`,
  );
  await withCliCluster(
    'status',
    3,
    {},
    async ({ home, start, nodes }) => {
      // What most users run: no C8CTL_NANO_HOME, so the CLI works the home out itself (env-paths).
      const { C8CTL_NANO_HOME: _set, ...inherited } = envFor(home);
      const defaultHomeEnv = { ...inherited, XDG_DATA_HOME: path.dirname(home) };
      if (start.code !== 0) throw new Error(`status: could not start the cluster: ${describeRun(start)}`);
      const frozen = nodes.find((n) => n.id === 2);
      if (!frozen) throw new Error('status: cluster.json has no node 2');
      await sleep(SETTLE_MS);
      for (let rep = -STATUS_WARMUP; rep < STATUS_REPS; rep += 1) {
        await sampleBareNode('node-empty-status', rep);
        const healthy = await cli(['status'], home);
        recordRun('status-healthy', rep, healthy);
        recordRun('status-default-home', rep, await runNode([runFrom.bin, 'status'], defaultHomeEnv));

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
    },
    true,
  );
}
