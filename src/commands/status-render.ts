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

/** "  ← was …" when a previous frame said otherwise; nothing without one. */
function was(now: string, before: string | undefined): string {
  return before !== undefined && before !== now ? `  ← was ${before}` : '';
}

const httpText = (h: HttpStatus): string => (h === 'not-probed' ? '-' : h);

/** Cells padded to their column's widest, two spaces apart. */
function tableLines(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((row) =>
    row
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd(),
  );
}

/** The verdict, the settings and the engine. */
function headerLines(
  ctx: Pick<CommandContext, 'layout'>,
  state: ClusterState,
  view: ManagedView,
  previous: ManagedView | undefined,
): string[] {
  const s = state.settings;
  const healthy = view.nodes.filter((n) => n.process === 'running' && n.http === 'answers').length;
  return [
    `Nano cluster (managed): ${view.word} — ${healthy} of ${view.nodes.length} node(s) healthy${was(view.word, previous?.word)}`,
    `  ${s.nodes} node(s) · ${s.partitions} partition(s) · RF ${s.rf} · Raft ${s.raft ? 'on' : 'off'}${s.raft ? ` · replication ${s.replication}` : ''} · trace capture ${s.capture ? 'on' : 'off'} · storage ${s.storage === 'memory' ? 'memory' : ctx.layout.dataDir}`,
    `  engine ${state.binary.version ?? 'unknown version'} · started ${state.createdAt} · home ${ctx.layout.home}`,
  ];
}

/** One row per node, each marked with what it was in the previous frame when that differs. */
function nodeTableLines(view: ManagedView, previous: ManagedView | undefined): string[] {
  const rows = [
    ['NODE', 'PORT', 'PID', 'PROCESS', 'HTTP'],
    ...view.nodes.map((n) => [String(n.id), String(n.port), String(n.pid), n.process, httpText(n.http)]),
  ];
  return tableLines(rows).map((line, i) => {
    const node = i === 0 ? undefined : view.nodes[i - 1];
    const before = node && previous?.nodes.find((p) => p.id === node.id);
    const change =
      node && before && (before.process !== node.process || before.http !== node.http)
        ? `  ← was ${before.process}/${httpText(before.http)}`
        : '';
    return `  ${line}${change}`;
  });
}

/** Who leads each partition, as the answering nodes see it. */
function partitionLines(partitions: readonly PartitionStatus[], previous: ManagedView | undefined): string[] {
  const observers = [...new Set(partitions.flatMap((p) => [...p.seenBy, ...p.dissent.map((d) => d.observer)]))].sort(
    (a, b) => a - b,
  );
  const several = observers.length > 1;
  return [
    '',
    `Partition leaders (live, as node${several ? 's' : ''} ${observers.join(', ')} see${several ? '' : 's'} them):`,
    ...partitions.map((p) => {
      const old = previous?.partitions?.find((q) => q.partition === p.partition);
      return `  partition ${p.partition}: ${partitionText(p)}${was(leaderSummary(p), old && leaderSummary(old))}`;
    }),
  ];
}

/** The last log lines of each node that exited under us. */
function exitedLines(view: ManagedView): string[] {
  return view.nodes.flatMap((node) =>
    !node.lastLog || node.lastLog.length === 0
      ? []
      : [
          '',
          `Node ${node.id} exited (exit code unknown: it was not started by this command). Last lines of ${node.log}:`,
          ...node.lastLog.map((line) => `  ${line}`),
        ],
  );
}

/** Displacements and contests that will not heal by themselves, each a ⚠ paragraph. */
function warningLines(partitions: readonly PartitionStatus[] | null, prog: string): string[] {
  const groups = partitions
    ? [displacementLines(lastingDisplacement(partitions), prog), contestLines(contestedPartitions(partitions), prog)]
    : [];
  return groups
    .filter((g) => g.length > 0)
    .flatMap((group) => ['', ...group.map((line, i) => (i === 0 ? `⚠ ${line}` : `  ${line}`))]);
}

/** The text view. Pure. With a previous frame, what changed since is marked "← was …". */
export function renderManaged(
  ctx: Pick<CommandContext, 'prog' | 'layout'>,
  state: ClusterState,
  view: ManagedView,
  previous?: ManagedView,
): string[] {
  const lines = [...headerLines(ctx, state, view, previous), '', ...nodeTableLines(view, previous)];
  if (view.seenBy !== null)
    lines.push(`  console: ${consoleLine(view.nodes.find((n) => n.id === view.seenBy)!.url, view.consoleServed)}`);
  if (view.links) lines.push('', ...linkLines(view.links, view.nodes.length, ctx.prog));
  if (view.consoleServed === 'off')
    lines.push('  Live partition leaders are not known: the console, which reports them, is off (--console off).');
  if (view.partitions) lines.push(...partitionLines(view.partitions, previous));
  lines.push(...exitedLines(view), ...warningLines(view.partitions, ctx.prog));
  if (view.word === 'stopped')
    lines.push(`No node is running. "${ctx.prog} stop" clears the state; "${ctx.prog} start" starts again.`);
  return lines;
}

/** What one `status --watch` frame shows: the cluster tracked then, or none. */
export interface WatchedCluster {
  readonly state: ClusterState;
  readonly view: ManagedView;
}

/** A `status --watch` frame: stamped with the time of day; with a cluster, marked against the previous frame. Pure. */
export function renderFrame(
  ctx: Pick<CommandContext, 'prog' | 'layout'>,
  stamp: string,
  intervalMs: number,
  tracked: WatchedCluster | null,
  previous: ManagedView | undefined,
): string[] {
  if (tracked === null)
    return [`${stamp}  No cluster is tracked in ${ctx.layout.home}. Waiting for one… (Ctrl-C to stop)`];
  return [
    `${stamp}  every ${intervalMs / 1000} s · Ctrl-C to stop`,
    ...renderManaged(ctx, tracked.state, tracked.view, previous),
  ];
}
