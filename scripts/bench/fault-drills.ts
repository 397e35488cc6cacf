// npm run drills (node dist/scripts/bench/fault-drills.js): what each fault does to a 3-node RF 3
// cluster of the real engine, under each replication tier, measured rather than remembered. For every
// fault (pause, kill, isolate, isolate --refuse, a one-way cut, a slow link, and a baseline without
// one) × tier × run it starts a fresh cluster, faults the leader of partition 1, undoes the fault and
// watches; then it writes a
// markdown report (default docs/fault-drills-measured.md, the numbers behind docs/fault-drills.md),
// prints it, and keeps every sample in bench-results/fault-drills-<timestamp>.json.
//
// Like the bench (main.ts), the CLI runs from a private copy of the build, so a concurrent `npm run
// build` cannot break a run half-way; every process started carries the bench's env marker and is
// killed by PID on any end (processes.ts), after `stop --purge` of the cluster under way.
//
// Layout: fault-drills/drill.ts runs one drill and samples it; fault-drills/report.ts turns the
// samples into the tables; this file reads the options, runs the drills in turn and writes the file.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { snapshotBuild } from './homes.js';
import { RESULTS_DIR, ROOT } from './config.js';
import { installCleanup } from './processes.js';
import { runDrill, SCENARIOS, stopCurrentClusterSync, type DrillResult, type Tier } from './fault-drills/drill.js';
import { progressLine, renderReport } from './fault-drills/report.js';

const TIERS: readonly Tier[] = ['leader-durable', 'quorum'];

const USAGE = `npm run drills   (or: node dist/scripts/bench/fault-drills.js [options])

Runs each fault on the leader of partition 1 of a fresh 3-node RF 3 cluster under each replication
tier, and writes a markdown report (about 20 s per run: 7 cases, a baseline without a fault
included, × 2 tiers × 3 runs ≈ 15 min on 2 cores; needs a quiet machine).
  --runs <n>        runs of each fault under each tier (default 3)
  --out <file>      where to write the report (default docs/fault-drills-measured.md)
  --only <ids>      only these faults, comma-separated: ${SCENARIOS.map((s) => s.id).join(', ')}
  --tier <tier>     only this tier: ${TIERS.join(' or ')}
`;

function options(): { runs: number; out: string; scenarios: typeof SCENARIOS; tiers: readonly Tier[] } {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      out: { type: 'string' },
      only: { type: 'string' },
      tier: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const runs = Number(values.runs ?? 3);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number from 1: ${values.runs}`);
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((id) => !SCENARIOS.some((s) => s.id === id)) ?? [];
  if (unknown.length > 0)
    throw new Error(`unknown fault(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  if (values.tier !== undefined && !TIERS.includes(values.tier as Tier))
    throw new Error(`--tier must be ${TIERS.join(' or ')}`);
  return {
    runs,
    out: path.resolve(values.out ?? path.join(ROOT, 'docs', 'fault-drills-measured.md')),
    scenarios: only ? SCENARIOS.filter((s) => only.includes(s.id)) : SCENARIOS,
    tiers: values.tier ? [values.tier as Tier] : TIERS,
  };
}

function machine(): string {
  let model = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    // os.cpus() may say less than /proc/cpuinfo on a VM.
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {
    // not Linux: keep os.cpus()'s
  }
  return `${os.cpus().length} cores, ${model}, ${os.type()} ${os.release()}, Node ${process.version}`;
}

async function main(): Promise<void> {
  const { runs, out, scenarios, tiers } = options();
  // Registered before installCleanup's handlers, so on Ctrl-C the cluster under way is stopped with
  // the CLI first; those handlers then kill whatever is left and delete the homes.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stopCurrentClusterSync);
  installCleanup();
  snapshotBuild();
  const startedAt = new Date();
  const loadBefore = os.loadavg()[0]!;
  const results: DrillResult[] = [];
  const total = tiers.length * scenarios.length * runs;
  for (const tier of tiers) {
    for (const scenario of scenarios) {
      for (let run = 1; run <= runs; run += 1) {
        process.stderr.write(`drills: ${results.length + 1}/${total}: ${scenario.id} under ${tier}, run ${run}…\n`);
        const result = await runDrill(scenario, tier, run);
        results.push(result);
        process.stderr.write(`  ${progressLine(result)}\n`);
      }
    }
  }
  const minutes = Math.round((Date.now() - startedAt.getTime()) / 60_000);
  const command = [
    'node',
    path.relative(process.cwd(), process.argv[1] ?? 'dist/scripts/bench/fault-drills.js'),
    ...process.argv.slice(2),
  ].join(' ');
  const report = renderReport(
    {
      date: `${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      version: results.find((r) => r.version !== null)?.version ?? 'unknown (no cluster started)',
      machine: machine(),
      load: `${loadBefore.toFixed(2)} before, ${os.loadavg()[0]!.toFixed(2)} after`,
      command,
      runs,
      minutes,
    },
    results,
  );
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, report);
  // Every sample too, for checking a figure against what was seen (bench-results/ is not committed).
  const raw = path.join(RESULTS_DIR, `fault-drills-${startedAt.toISOString().replace(/:/g, '-')}.json`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(raw, `${JSON.stringify(results.map((r) => ({ ...r, scenario: r.scenario.id })))}\n`);
  process.stdout.write(
    `${report}\nWritten to ${path.relative(process.cwd(), out)}, every sample to ${path.relative(process.cwd(), raw)} (${minutes} min).\n`,
  );
  if (results.some((r) => r.error !== null)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`drills failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
