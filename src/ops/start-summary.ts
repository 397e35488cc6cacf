// What `start` prints once a cluster is ready: the shape, each node, the leaders, where to reach it.
import { c8ctlAccess, c8ctlLines } from '../cluster/c8ctl-profile.js';
import { consoleLine } from '../cluster/console-served.js';
import type { PartitionLeadership } from '../cluster/topology.js';
import type { ConsoleMode } from '../shape.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { CommandContext } from '../kit/context.js';

export interface SummaryInputs {
  readonly version: string | null;
  readonly binary: { readonly sourceLabel: string };
}

/** What start prints once the cluster is ready; `already` replaces the first line's "ready in" for a cluster that was running. */
export function printSummary(
  ctx: CommandContext,
  state: ClusterState,
  leadership: PartitionLeadership[] | null,
  readyMs: number,
  inputs: SummaryInputs,
  consoleServed: ConsoleMode | null,
  already?: string,
): void {
  const { out } = ctx;
  const s = state.settings;
  const first = state.nodes[0]!;
  const shape = `${s.nodes} node(s), ${s.partitions} partition(s), RF ${s.rf}, Raft ${s.raft ? `on, replication ${s.replication}` : 'off'}${s.capture ? ', trace capture on' : ''}`;
  out.success(
    already !== undefined ? `${already}: ${shape}` : `Nano cluster ready in ${(readyMs / 1000).toFixed(2)} s: ${shape}`,
  );
  for (const node of state.nodes) out.info(`  node ${node.id}  ${node.url}  pid ${node.pid}`);
  if (leadership && s.raft) {
    out.info(`  leaders   ${leadership.map((p) => `p${p.partition}→node ${p.leader}`).join(', ')}`);
  }
  out.info(`  REST API  ${first.url}/v2`);
  out.info(`  Console   ${consoleLine(first.url, consoleServed)}`);
  for (const [i, line] of c8ctlLines(c8ctlAccess(first.port)).entries())
    out.info(`  ${i === 0 ? 'c8ctl   ' : '        '}  ${line}`);
  out.info(`  Engine    ${inputs.version ?? 'unknown version'} (${inputs.binary.sourceLabel})`);
  out.info(
    `  Storage   ${s.storage === 'memory' ? 'memory (nothing is kept after stop)' : ctx.layout.dataDir}${s.historyMax !== null ? `, at most ${s.historyMax} completed instances per node` : ''}`,
  );
  out.info(`  Logs      ${ctx.layout.logsDir}`);
  out.info(`Check it with "${ctx.prog} status"; stop it with "${ctx.prog} stop".`);
}
