// What `start` and `restart` show once a cluster is ready: the text summary (the shape, each node, the
// leaders, where to reach it) and the --json document of a launched cluster. The verbs print them.
import { c8ctlAccess, c8ctlLines } from '../cluster/c8ctl-profile.js';
import { consoleLine } from '../cluster/console-served.js';
import type { PartitionLeadership } from '../cluster/topology.js';
import type { ConsoleMode } from '../shape.js';
import type { ClusterState } from '../state/cluster-state.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { ClusterStartedResult } from '../results/cluster.js';
import type { CommandContext } from '../kit/context.js';
import type { Launched } from './launch.js';

/** What the summary shows: a launched cluster, or one found running (converge.ts). */
export interface SummaryView {
  readonly state: ClusterState;
  readonly leadership: readonly PartitionLeadership[] | null;
  readonly readyMs: number;
  readonly consoleServed: ConsoleMode | null;
  readonly version: string | null;
  readonly binary: { readonly sourceLabel: string };
}

/** Prints the summary; `headline` replaces the first line's "ready in" for a cluster that was running. */
export function printSummary(ctx: CommandContext, view: SummaryView, headline?: string): void {
  const { out } = ctx;
  const { state, leadership } = view;
  const s = state.settings;
  const first = state.nodes[0]!;
  const shape = `${s.nodes} node(s), ${s.partitions} partition(s), RF ${s.rf}, Raft ${s.raft ? `on, replication ${s.replication}` : 'off'}${s.capture ? ', trace capture on' : ''}`;
  out.success(
    headline !== undefined
      ? `${headline}: ${shape}`
      : `Nano cluster ready in ${(view.readyMs / 1000).toFixed(2)} s: ${shape}`,
  );
  for (const node of state.nodes) out.info(`  node ${node.id}  ${node.url}  pid ${node.pid}`);
  if (leadership && s.raft) {
    out.info(`  leaders   ${leadership.map((p) => `p${p.partition}→node ${p.leader}`).join(', ')}`);
  }
  out.info(`  REST API  ${first.url}/v2`);
  out.info(`  Console   ${consoleLine(first.url, view.consoleServed)}`);
  for (const [i, line] of c8ctlLines(c8ctlAccess(first.port)).entries())
    out.info(`  ${i === 0 ? 'c8ctl   ' : '        '}  ${line}`);
  out.info(`  Engine    ${view.version ?? 'unknown version'} (${view.binary.sourceLabel})`);
  out.info(
    `  Storage   ${s.storage === 'memory' ? 'memory (nothing is kept after stop)' : ctx.layout.dataDir}${s.historyMax !== null ? `, at most ${s.historyMax} completed instances per node` : ''}`,
  );
  out.info(`  Logs      ${ctx.layout.logsDir}`);
  out.info(`Check it with "${ctx.prog} status"; stop it with "${ctx.prog} stop".`);
}

/** The --json document of a launched cluster. */
export function launchedResult(home: string, launched: Launched): ClusterStartedResult {
  const { state } = launched;
  const first = state.nodes[0]!;
  return {
    schemaVersion: SCHEMA_VERSION,
    ok: true,
    cluster: 'running',
    readyMs: launched.readyMs,
    home,
    settings: state.settings,
    binary: { ...state.binary, sourceLabel: launched.binary.sourceLabel },
    workspaceDir: state.workspaceDir,
    nodes: state.nodes.map(({ env: _env, ...node }) => node),
    partitions: launched.leadership,
    restApi: `${first.url}/v2`,
    console: launched.consoleServed === 'off' ? null : `${first.url}/console`,
    consoleMode: launched.consoleServed,
    c8ctl: c8ctlAccess(first.port),
  } satisfies ClusterStartedResult;
}
