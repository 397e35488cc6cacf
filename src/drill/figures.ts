// What a drill's report says, in words: the verdict sentence (with what to do next) and the table of
// figures. The terminal (commands/drill-render.ts) and the HTML report (report-html.ts) both show these,
// so the two cannot tell different stories. Plain text, no layout: each renderer wraps and styles.
// Pure. Strings from outside (engine messages, event details) pass through safeText here.
import type { DrillFaultDocument, DrillResult } from '../results/drill.js';
import { safeText } from '../safe-text.js';

export interface DrillHeadline {
  readonly mark: '✓' | '⚠' | '✗';
  readonly text: string;
}

/** One row of the table: its items are shown joined (` · `), or one per line when `list`. */
export interface DrillFigure {
  readonly label: string;
  readonly items: readonly string[];
  readonly list?: boolean;
}

/** How many error kinds and lost keys the table names before summing up the rest. */
const TOP_ERRORS = 4;
const TOP_KEYS = 3;

/** Milliseconds as seconds with one decimal: `2.4 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

const partitionList = (partitions: readonly number[]): string =>
  `${partitions.length === 1 ? 'partition' : 'partitions'} ${partitions.join(', ')}`;

/** The fault in a few words: `pause of node 1`, `cut: node 2 stops hearing node 1 (silent)`. */
export function faultWords(fault: DrillFaultDocument): string {
  const node = fault.node === null ? safeText(fault.target) : `node ${fault.node}`;
  const mode = fault.mode === null ? '' : fault.mode === 'stall' ? ' (silent)' : ' (refusing)';
  switch (fault.kind) {
    case 'none':
      return 'no fault: the workload alone';
    case 'cut':
      return `cut: ${fault.peer === null ? 'its peer' : `node ${fault.peer}`} stops hearing ${node}${mode}`;
    case 'isolate':
      return `isolation of ${node}${mode}`;
    case 'slow':
      return `slow links of ${node}${fault.delayMs === null ? '' : ` (+${fault.delayMs} ms each way)`}`;
    default:
      return `${fault.kind} of ${node}`;
  }
}

/** When the cluster converged, counted from the drill's start, or null. */
export function convergedAtMs(result: DrillResult): number | null {
  const { healedAtMs } = result.fault;
  const { convergedMs } = result.timings;
  return healedAtMs === null || convergedMs === null ? null : healedAtMs + convergedMs;
}

/** The wait after the heal, when the drill gave up on convergence: `within 9.0 s of the heal`. */
function waitWords(result: DrillResult): string {
  const gaveUp = result.timeline.events.find((e) => e.kind === 'gave-up');
  const healed = result.fault.healedAtMs;
  return gaveUp && healed !== null ? ` within ${seconds(gaveUp.atMs - healed)} of the heal` : '';
}

/** Why the cluster is not whole, and the repair `status` would name for it. */
function notConvergedWhy(result: DrillResult, prog: string): string {
  const { final } = result;
  if (final.convergence === 'displaced') {
    const which = final.displaced
      .map((d) => `partition ${d.partition} is led by node ${d.leader}, not its owner node ${d.owner}`)
      .join('; ');
    const repair =
      result.cluster.replication === 'quorum' ? `${prog} restart --replication leader-durable` : `${prog} restart`;
    return `${which}, and this tier never hands leadership back. Repair it, keeping the data: "${repair}".`;
  }
  if (final.convergence === 'contested')
    return `two nodes keep contesting the leadership. Repair it, keeping the data: "${prog} restart".`;
  if (final.convergence === 'moving') {
    const still = final.leaderless.length > 0 ? ` (${partitionList(final.leaderless)} without a leader)` : '';
    return `leadership was still moving when the wait ended${still}. Watch it with "${prog} status --watch"; if it does not settle, "${prog} restart".`;
  }
  return `no node answered about the partitions' leaders. See "${prog} status".`;
}

/** The verdict in one sentence, saying what to do next when it is not whole. */
export function drillHeadline(result: DrillResult, prog: string): DrillHeadline {
  const { checks, workload } = result;
  if (result.verdict === 'not-converged')
    return { mark: '✗', text: `Not converged${waitWords(result)}: ${notConvergedWhy(result, prog)}` };
  if (result.verdict === 'lost') {
    const what = [
      checks.acknowledgedLost > 0
        ? `${checks.acknowledgedLost} of ${workload.creates.acknowledged} acknowledged instances are found on no node`
        : '',
      checks.duplicateKeys.length > 0
        ? `${plural(checks.duplicateKeys.length, 'key was', 'keys were')} handed out twice`
        : '',
      checks.duplicateInstances.length > 0
        ? `${plural(checks.duplicateInstances.length, 'create is', 'creates are')} stored twice`
        : '',
    ].filter((s) => s !== '');
    return {
      mark: '⚠',
      text: `Lost: the cluster converged, but ${what.join(' and ')}. The engine acknowledged what it did not keep: that is an engine bug worth reporting, with this drill's --json output.`,
    };
  }
  const converged =
    result.timings.convergedMs === null
      ? 'the cluster is whole'
      : `the cluster converged ${seconds(result.timings.convergedMs)} after the heal`;
  return {
    mark: '✓',
    text: `Whole: nothing acknowledged was lost (${workload.creates.acknowledged} of ${workload.creates.acknowledged} found) and ${converged}.`,
  };
}

/** The rows about the fault and how the cluster took it. */
function faultFigures(result: DrillResult): DrillFigure[] {
  const { fault, timings } = result;
  const started = fault.startedAtMs;
  const window =
    started === null
      ? []
      : [
          `from ${seconds(started)} to ${fault.healedAtMs === null ? 'the end (never healed)' : seconds(fault.healedAtMs)}`,
        ];
  const asked =
    fault.kind !== 'none' && fault.target !== String(fault.node) ? ` (asked for ${safeText(fault.target)})` : '';
  const detection =
    started === null
      ? '—'
      : timings.detectMs === null
        ? 'no leader change seen'
        : `first leader change ${seconds(timings.detectMs)} after the fault`;
  const newLeader =
    fault.kind === 'none'
      ? ['—']
      : timings.newLeader.length === 0
        ? [`${fault.node === null ? 'the target' : `node ${fault.node}`} led no partition`]
        : timings.newLeader.map((n) =>
            n.leader === null || n.ms === null
              ? `partition ${n.partition}: none came`
              : `partition ${n.partition}: node ${n.leader} after ${seconds(n.ms)}`,
          );
  const interrupted = result.timeline.events.find((e) => e.kind === 'interrupted');
  const converged = interrupted
    ? `interrupted at ${seconds(interrupted.atMs)} (Ctrl-C)`
    : timings.convergedMs !== null
      ? `${seconds(timings.convergedMs)} after the heal`
      : fault.healedAtMs === null
        ? '—'
        : `not${waitWords(result) || ' after the heal'}`;
  return [
    { label: 'fault', items: [`${faultWords(fault)}${asked}`, ...window] },
    { label: 'detection', items: [detection] },
    { label: 'new leader', items: newLeader },
    { label: 'converged', items: [converged] },
    {
      label: 'unavailable',
      items: timings.unavailable.map((u) =>
        u.fromMs === null || u.toMs === null
          ? `node ${u.node}: none`
          : `node ${u.node}: ${seconds(u.ms)} (${(u.fromMs / 1000).toFixed(1)}–${seconds(u.toMs)})`,
      ),
    },
  ];
}

const keysText = (keys: readonly string[]): string =>
  `${keys.slice(0, TOP_KEYS).map(safeText).join(', ')}${keys.length > TOP_KEYS ? ` and ${keys.length - TOP_KEYS} more` : ''}`;

/** The rows about the workload and what the checks found. */
function workloadFigures(result: DrillResult): DrillFigure[] {
  const { workload, checks } = result;
  const c = workload.creates;
  const readBack = [
    ...checks.unreadable.map((u) => `node ${u.node} could not read ${u.count}`),
    ...checks.deploymentsMissingOn.map((n) => `the process was missing on node ${n}`),
  ];
  const jobs: DrillFigure[] =
    workload.jobType === null
      ? []
      : [
          {
            label: 'jobs',
            items: [`${workload.jobsCompleted} completed`, `${checks.jobsNotCompleted} never completed`],
          },
        ];
  return [
    {
      label: 'creates',
      items: [
        `${c.sent} sent`,
        `${c.acknowledged} acknowledged`,
        `${c.failed} failed`,
        `${c.unknown} unknown${c.unknown === 0 ? '' : ` (after the heal: ${checks.unknownPresent} ran, ${checks.unknownAbsent} did not)`}`,
      ],
    },
    ...jobs,
    {
      label: 'lost',
      items: [
        `${checks.acknowledgedLost} of ${c.acknowledged} acknowledged${checks.acknowledgedLost > 0 ? `: ${keysText(checks.lostKeys)}` : ''}`,
        checks.duplicateKeys.length === 0
          ? 'no key handed out twice'
          : `${plural(checks.duplicateKeys.length, 'key')} handed out twice: ${keysText(checks.duplicateKeys)}`,
        ...(checks.duplicateInstances.length > 0
          ? [`copies of a create under another key: ${keysText(checks.duplicateInstances)}`]
          : []),
      ],
    },
    { label: 'read back', items: readBack.length > 0 ? readBack : ['every acknowledged instance, through every node'] },
  ];
}

const ms = (value: number | null): string => (value === null ? '–' : String(value));

/** Latency, errors, the final leaders and the drill's own instances. */
function outcomeFigures(result: DrillResult): DrillFigure[] {
  const { final, workload, errors } = result;
  const latency = result.latency.map(
    (l, i) =>
      `${i === 0 ? 'p50/p99 ' : ''}${l.phase} ${l.p50Ms === null && l.p99Ms === null ? '–' : `${ms(l.p50Ms)}/${ms(l.p99Ms)} ms`}`,
  );
  const topErrors = errors.slice(0, TOP_ERRORS).map((e) => `${e.count} × ${safeText(e.kind)}`);
  const moreErrors =
    errors.length > TOP_ERRORS ? [`and ${plural(errors.length - TOP_ERRORS, 'more kind')} (--json lists them)`] : [];
  const leaders = [
    ...final.displaced.map((d) => `partition ${d.partition} led by node ${d.leader}, not its owner node ${d.owner}`),
    ...(final.leaderless.length > 0 ? [`${partitionList(final.leaderless)} without a leader`] : []),
    ...(final.recovering.length > 0 ? [`recovering: ${partitionList(final.recovering)}`] : []),
  ];
  const state = {
    whole: 'every partition led by its owner',
    displaced: 'displaced',
    contested: 'contested: two nodes claim a partition',
    moving: 'still moving',
    unknown: 'unknown: no node answered',
  }[final.convergence];
  return [
    { label: 'latency', items: latency },
    {
      label: 'errors',
      items: topErrors.length > 0 ? [...topErrors, ...moreErrors] : ['none'],
      list: topErrors.length > 0,
    },
    { label: 'leaders now', items: final.convergence === 'displaced' ? leaders : [state, ...leaders] },
    {
      label: 'instances',
      items: [
        `process ${safeText(workload.processId)}`,
        workload.firstKey === null
          ? 'no key acknowledged'
          : `keys ${safeText(workload.firstKey)} to ${safeText(workload.lastKey ?? workload.firstKey)}`,
      ],
    },
  ];
}

/** The table: the cluster, the fault and its timings, the workload and its checks, latency, errors, the end state. */
export function drillFigures(result: DrillResult): DrillFigure[] {
  const { cluster } = result;
  return [
    {
      label: 'cluster',
      items: [
        `${plural(cluster.nodes, 'node')}, ${plural(cluster.partitions, 'partition')}, RF ${cluster.rf}, ${cluster.replication}`,
        `drill of ${seconds(result.durationMs)}`,
      ],
    },
    ...faultFigures(result),
    ...workloadFigures(result),
    ...outcomeFigures(result),
  ];
}
