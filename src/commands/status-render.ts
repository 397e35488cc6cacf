// The text of a managed cluster's status, from what ops/status-view.ts collected. Pure; with a previous
// frame (status --watch), what changed since is marked.
import type { HttpStatus } from '../cluster/status-model.js';
import {
  contestedPartitions,
  contestLines,
  displacementLines,
  lastingDisplacement,
  partitionText,
  type PartitionStatus,
} from '../cluster/partition-status.js';
import { consoleLine } from '../cluster/console-served.js';
import type { ClusterState } from '../state/cluster-state.js';
import { linkLines } from '../links/link-status.js';
import type { CommandContext } from '../kit/context.js';
import type { ManagedView } from '../ops/status-view.js';

/** A partition's leadership in a few words, to mark a change between two watch frames. */
function leaderSummary(p: PartitionStatus): string {
  if (!p.live) return p.leader === null ? 'no leader' : `no live leader (${p.leaderProblem})`;
  return `node ${p.leader}${p.term !== null ? `, term ${p.term}` : ''}`;
}

/** The text view. Pure. With a previous frame, what changed since is marked "← was …". */
export function renderManaged(
  ctx: Pick<CommandContext, 'prog' | 'layout'>,
  state: ClusterState,
  view: ManagedView,
  previous?: ManagedView,
): string[] {
  const lines: string[] = [];
  const s = state.settings;
  const healthy = view.nodes.filter((n) => n.process === 'running' && n.http === 'answers').length;
  const was = (now: string, before: string | undefined): string =>
    previous !== undefined && before !== undefined && before !== now ? `  ← was ${before}` : '';
  lines.push(
    `Nano cluster (managed): ${view.word} — ${healthy} of ${view.nodes.length} node(s) healthy${was(view.word, previous?.word)}`,
  );
  lines.push(
    `  ${s.nodes} node(s) · ${s.partitions} partition(s) · RF ${s.rf} · Raft ${s.raft ? 'on' : 'off'}${s.raft ? ` · replication ${s.replication}` : ''} · trace capture ${s.capture ? 'on' : 'off'} · storage ${s.storage === 'memory' ? 'memory' : ctx.layout.dataDir}`,
  );
  lines.push(
    `  engine ${state.binary.version ?? 'unknown version'} · started ${state.createdAt} · home ${ctx.layout.home}`,
  );
  lines.push('');
  const httpText = (h: HttpStatus): string => (h === 'not-probed' ? '-' : h);
  const rows = [
    ['NODE', 'PORT', 'PID', 'PROCESS', 'HTTP'],
    ...view.nodes.map((n) => [String(n.id), String(n.port), String(n.pid), n.process, httpText(n.http)]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  rows.forEach((row, i) => {
    const node = i === 0 ? undefined : view.nodes[i - 1];
    const before = node && previous?.nodes.find((p) => p.id === node.id);
    const change =
      node && before && (before.process !== node.process || before.http !== node.http)
        ? `  ← was ${before.process}/${httpText(before.http)}`
        : '';
    lines.push(
      `  ${row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd()}${change}`,
    );
  });
  if (view.seenBy !== null)
    lines.push(`  console: ${consoleLine(view.nodes.find((n) => n.id === view.seenBy)!.url, view.consoleServed)}`);
  if (view.links) lines.push('', ...linkLines(view.links, view.nodes.length, ctx.prog));
  if (view.consoleServed === 'off')
    lines.push('  Live partition leaders are not known: the console, which reports them, is off (--console off).');
  if (view.partitions) {
    lines.push('');
    const observers = [
      ...new Set(view.partitions.flatMap((p) => [...p.seenBy, ...p.dissent.map((d) => d.observer)])),
    ].sort((a, b) => a - b);
    lines.push(
      `Partition leaders (live, as node${observers.length > 1 ? 's' : ''} ${observers.join(', ')} see${observers.length > 1 ? '' : 's'} them):`,
    );
    for (const p of view.partitions) {
      const text = partitionText(p);
      const old = previous?.partitions?.find((q) => q.partition === p.partition);
      const oldText = old ? leaderSummary(old) : undefined;
      lines.push(
        `  partition ${p.partition}: ${text}${oldText !== undefined && oldText !== leaderSummary(p) ? `  ← was ${oldText}` : ''}`,
      );
    }
  }
  for (const node of view.nodes) {
    if (!node.lastLog || node.lastLog.length === 0) continue;
    lines.push('');
    lines.push(
      `Node ${node.id} exited (exit code unknown: it was not started by this command). Last lines of ${node.log}:`,
    );
    for (const line of node.lastLog) lines.push(`  ${line}`);
  }
  const warnings = view.partitions
    ? [
        displacementLines(lastingDisplacement(view.partitions), ctx.prog),
        contestLines(contestedPartitions(view.partitions), ctx.prog),
      ]
    : [];
  for (const group of warnings.filter((g) => g.length > 0))
    lines.push('', ...group.map((line, i) => (i === 0 ? `⚠ ${line}` : `  ${line}`)));
  if (view.word === 'stopped')
    lines.push(`No node is running. "${ctx.prog} stop" clears the state; "${ctx.prog} start" starts again.`);
  return lines;
}
