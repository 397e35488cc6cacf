// npm run bench (node dist/scripts/bench/main.js): wall-clock benchmark of the CLI against floors measured in the same run.
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
//
// Layout: config (what and how often), processes (registry and cleanup), homes (build copy, temp
// homes), ports, run-cli, floor, samples (statistics), cases, report (table), machine, and this entry.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findEngineBinary } from '../../src/binary/find.js';
import { backgroundBusy } from './background-load.js';
import { benchImports, benchRaftStart, benchStartStop, benchStatus, progress } from './cases.js';
import { benchCorrectness, correctnessRuns } from './correctness.js';
import { benchCooldownCost, cooldownResults } from './cooldown-cost.js';
import {
  FLOOR_POLL_MS,
  IMPORT_REPS,
  IMPORT_WARMUP,
  QUIET_MS,
  RESULTS_DIR,
  ROOT,
  SETTLE_MS,
  START_REPS,
  START_SIZES,
  STATUS_REPS,
  STATUS_WARMUP,
  STOP_SIZES,
} from './config.js';
import { snapshotBuild } from './homes.js';
import { machineFacts } from './machine.js';
import { installCleanup, killAllOurs, leaks, ourProcesses } from './processes.js';
import { buildRows, table } from './report.js';
import { series, stats } from './samples.js';

async function main(): Promise<void> {
  installCleanup();
  const startedAt = new Date();
  snapshotBuild();
  const engineBinary = findEngineBinary({ env: process.env, cwd: ROOT }).path;
  const machine = machineFacts(engineBinary);
  const loadBefore = os.loadavg();
  progress(
    `bench: engine ${(machine.engine as { version: string | null }).version ?? '?'} at ${engineBinary}; node ${process.version}; ${String(machine.cores)} cores; load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );
  if (ourProcesses().length > 0) throw new Error("processes with this run's marker exist before it began (impossible)");

  const quick = process.argv.includes('--quick');
  await benchImports();
  await benchStartStop(engineBinary);
  await benchRaftStart(engineBinary, quick ? 2 : undefined);
  await benchStatus();
  await benchCorrectness(quick ? 3 : undefined);
  if (process.argv.includes('--cooldown-cost')) await benchCooldownCost();

  const killedAtEnd = killAllOurs();
  const loadAfter = os.loadavg();
  const finishedAt = new Date();
  const rows = buildRows();
  const rendered = table(rows);
  process.stdout.write(`\n${rendered}\n\n`);
  process.stdout.write(
    'floors: entry import as c8ctl does it → a fresh `node` importing an empty module, then another one in place of the entry; entry into a bare node/--version/status (healthy and frozen) → a fresh `node` importing nothing (timed beside each start and each status, so a drift of the VM over the run moves both alike); start → that bare `node` plus the engine spawned directly and polled every 3 ms; stop → SIGTERM + child exit.\n',
  );
  process.stdout.write(
    'overhead: the median, over repetitions, of each run minus its floor runs of the same repetition (not median − floor median): a drift of the VM between repetitions cancels.\n',
  );
  process.stdout.write(`${engineAloneLine()}\n`);
  const extraCa = extraCaLine();
  if (extraCa) process.stdout.write(`${extraCa}\n`);
  const busy = [...backgroundBusy].sort((a, b) => a - b);
  const background =
    busy.length === 0
      ? null
      : {
          samples: busy.length,
          median: busy[Math.floor(busy.length / 2)]!,
          p90: busy[Math.floor(busy.length * 0.9)]!,
          max: busy.at(-1)!,
        };
  if (background) {
    const pct = (v: number): string => `${(v * 100).toFixed(0)} %`;
    process.stdout.write(
      `background CPU busy between runs (whole machine, ${String(os.cpus().length)} cores): median ${pct(background.median)}, p90 ${pct(background.p90)}, max ${pct(background.max)}${background.p90 > 0.25 ? ' — WARNING: something else was busy; numbers are inflated, rerun on a quiet machine' : ''}.\n`,
    );
  }
  const failures = [...series.entries()].flatMap(([id, s]) => s.failures.map((f) => ({ id, ...f })));
  if (failures.length > 0)
    process.stdout.write(`${failures.length} failed run(s) (excluded from the statistics, listed in the JSON).\n`);

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
    lostDeployments: correctnessRuns,
    cooldownCost: cooldownResults,
    leaksBetweenRuns: leaks,
    processesLeftAtEnd: killedAtEnd,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = startedAt.toISOString().replace(/:/g, '-');
  const json = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(path.join(RESULTS_DIR, `${stamp}.json`), json);
  writeFileSync(path.join(RESULTS_DIR, 'latest.json'), json);
  process.stdout.write(
    `Results: ${path.relative(ROOT, path.join(RESULTS_DIR, `${stamp}.json`))} (and bench-results/latest.json), ${report.durationS} s.\n`,
  );
}

/** The start floors without Node's start-up, and start 3 against them: the literal "engine alone". */
function engineAloneLine(): string {
  const median = (id: string): number | undefined => stats(id)?.median;
  const sizes = START_SIZES.map((n) => `start ${n} ${median(`floor-start-${n}`)?.toFixed(0) ?? '—'}`);
  const rf3 = median('floor-start-3-rf3');
  const over = (id: string, floorId: string): string => {
    const cli = median(id);
    const engine = median(floorId);
    return cli === undefined || engine === undefined ? '—' : `+${(cli - engine).toFixed(0)}`;
  };
  const again = median('floor-start-3-again');
  return `engine alone (no Node start-up), ms: ${sizes.join(', ')}, start 3 on kept data ${again?.toFixed(0) ?? '—'}, start 3 --rf 3 ${rf3?.toFixed(0) ?? '—'}; against it, start 3 is ${over('start-3', 'floor-start-3')} and start 3 again ${over('start-3-again', 'floor-start-3-again')}.`;
}

/** What NODE_EXTRA_CA_CERTS, when this machine sets it, adds to every Node start (floors included). */
function extraCaLine(): string | null {
  const withIt = stats('node-empty')?.median;
  const without = stats('node-empty-no-extra-ca')?.median;
  if (withIt === undefined || without === undefined) return null;
  return `NODE_EXTRA_CA_CERTS is set here (${process.env.NODE_EXTRA_CA_CERTS ?? ''}): a bare node takes ${withIt.toFixed(0)} ms with it, ${without.toFixed(0)} ms without. Every figure above includes the difference, the floors too; a user who does not set it sees each command that much sooner.`;
}

const USAGE = `npm run bench   (or: node dist/scripts/bench/main.js)

Runs every case against its floor (about 4½ minutes on 2 cores; needs a quiet machine), prints the
table and writes bench-results/<timestamp>.json and bench-results/latest.json.
  --quick           fewer repetitions of the RF 3 and lost-deployment cases (a smoke run)
  --cooldown-cost   also measure what the 10 ms breaker cooldown costs with a dead peer (2+ minutes)
`;

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(USAGE);
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
