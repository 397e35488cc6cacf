// What `start` shows for a cluster that was already running as asked: the summary headed by what it
// found (and started again), a warning for nodes left frozen, and the --json document.
import { SCHEMA_VERSION } from '../results/common.js';
import type { StartResult } from '../results/cluster.js';
import type { CommandContext } from '../kit/context.js';
import type { Converged } from '../ops/converge.js';
import { printSummary } from '../ops/start-summary.js';

export function reportConverged(ctx: CommandContext, converged: Converged): number {
  const { out, prog } = ctx;
  const { state, restarted, frozen, readyMs } = converged;
  const headline =
    restarted.length > 0
      ? `Already running; started node(s) ${restarted.join(', ')} again on their data, ready in ${(readyMs / 1000).toFixed(2)} s`
      : 'Already running as asked';
  // The recorded source stands in for its label: a running cluster keeps no label.
  printSummary(
    ctx,
    { ...converged, version: state.binary.version, binary: { ...state.binary, sourceLabel: state.binary.source } },
    headline,
  );
  if (frozen.length > 0)
    out.warn(
      `Node(s) ${frozen.join(', ')} frozen (pause): start leaves a frozen node as it is, so a drill is not ended behind your back. Resume with "${prog} resume <id>".`,
    );
  const health =
    frozen.length === 0 ? ({ ok: true, cluster: 'running' } as const) : ({ ok: false, cluster: 'degraded' } as const);
  out.result({
    schemaVersion: SCHEMA_VERSION,
    ...health,
    alreadyRunning: true,
    restarted,
    frozen,
    readyMs,
    home: ctx.layout.home,
    settings: state.settings,
    binary: state.binary,
    nodes: state.nodes.map(({ env: _env, ...node }) => node),
    partitions: converged.leadership,
  } satisfies StartResult);
  return converged.exitCode;
}
