// npm run drill-table (node dist/scripts/bench/drill-table.js): every fault `drill` offers, under each
// replication tier, on a fresh 3-node RF 3 cluster each time (a drill that loses or displaces must not
// colour the next), with the drill's default timing; prints the markdown table docs/drills.md keeps
// and writes every --json document to bench-results/drill-table-<timestamp>.json. About 40 s a drill.
// Like the bench, it runs a private copy of the build, and kills every process it started by PID.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { DrillResult } from '../../src/results/drill.js';
import path from 'node:path';
import { RESULTS_DIR } from './config.js';
import { dropHome, newHome, snapshotBuild } from './homes.js';
import { freeBase } from './ports.js';
import { installCleanup } from './processes.js';
import { cli, describeRun } from './run-cli.js';

const FAULTS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['none', ['none']],
  ['pause', ['pause']],
  ['kill', ['kill']],
  ['isolate (silent)', ['isolate']],
  ['isolate --refuse', ['isolate', '--refuse']],
  ['cut', ['cut']],
  ['slow 200 ms', ['slow', '--delay', '200']],
];
const TIERS = ['leader-durable', 'quorum'] as const;
const RUNS = Number(process.env.DRILL_TABLE_RUNS ?? 1);

async function drillOnce(tier: string, fault: readonly string[]): Promise<DrillResult> {
  const home = newHome();
  try {
    const port = await freeBase(3);
    const start = ['start', '3', '--rf', '3', '--port', String(port), '--network-faults', '--replication', tier];
    const started = await cli(start, home);
    if (started.code !== 0) throw new Error(`start failed: ${describeRun(started)}`);
    const drill = await cli(['drill', ...fault, '--json'], home);
    return JSON.parse(drill.stdout) as DrillResult;
  } finally {
    await cli(['stop', '--purge'], home);
    dropHome(home);
  }
}

const s = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`;

function row(tier: string, label: string, d: DrillResult): string {
  const newLeader = d.timings.newLeader.map((l) => (l.ms === null ? 'none' : s(l.ms))).join(', ') || '–';
  const worst = Math.max(0, ...d.timings.unavailable.map((u) => u.ms));
  const c = d.workload.creates;
  const during = d.latency.find((l) => l.phase === 'during');
  return `| ${tier} | ${label} | ${d.verdict} (exit ${d.exitCode}) | ${d.checks.acknowledgedLost} of ${c.acknowledged} | ${d.checks.duplicateKeys.length + d.checks.duplicateInstances.length} | ${c.unknown} (${d.checks.unknownPresent} ran) | ${s(d.timings.detectMs)} | ${newLeader} | ${s(d.timings.convergedMs)} | ${s(worst)} | ${during?.p99Ms ?? '–'} ms | ${d.final.convergence}${d.final.displaced.length > 0 ? ` (${d.final.displaced.map((x) => `p${x.partition}→${x.leader}`).join(' ')})` : ''} |`;
}

async function main(): Promise<void> {
  installCleanup();
  snapshotBuild();
  const all: Array<DrillResult & { tier: string; label: string }> = [];
  const lines = [
    '| tier | fault | verdict | acknowledged lost | duplicated | unknown outcomes | detected | new leader | converged after heal | longest unavailability | create p99 during | leaders at the end |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const tier of TIERS)
    for (const [label, fault] of FAULTS)
      for (let run = 0; run < RUNS; run += 1) {
        process.stderr.write(`drill-table: ${tier}, ${label}, run ${run + 1}…\n`);
        const d = await drillOnce(tier, fault);
        all.push({ tier, label, ...d });
        lines.push(row(tier, label, d));
      }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `drill-table-${new Date().toISOString().replace(/:/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(all)}\n`);
  process.stdout.write(`${lines.join('\n')}\n\nEvery document: ${path.relative(process.cwd(), file)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `drill-table failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
