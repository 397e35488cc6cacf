// `nano status [--port P]`: the truth about the managed cluster (OS first, then HTTP, never hanging),
// or, with no managed cluster, what answers on a port.
import type { ParsedArgs } from '../kit/args.js';
import { observeProcesses } from '../cluster/lifecycle.js';
import type { FoundEngine } from '../os/find-engines.js';
import { redact, secretsOf } from '../cluster/redact.js';
import { readLastLines } from '../logs/tail.js';
import { DEFAULT_BASE_PORT } from '../cluster/start-options.js';
import { parsePort, parseSeconds } from '../values.js';
import { clusterWord, exitCodeFor, shouldProbe, type HttpStatus } from '../cluster/status-model.js';
import { reconcileLeadership, type ObservedLeadership } from '../cluster/leader-views.js';
import { fetchLeadership, observeLeadership } from '../cluster/observe-leaders.js';
import {
  contestedPartitions,
  contestLines,
  displacementLines,
  lastingDisplacement,
  partitionStatuses,
  partitionText,
  type PartitionStatus,
} from '../cluster/partition-status.js';
import {
  describeProduct,
  identifyProduct,
  readLeadership,
  readTopology,
  type PartitionLeadership,
} from '../cluster/topology.js';
import { nodeUrl } from '../cluster/plan.js';
import { askConsoleMode, consoleLine } from '../cluster/console-served.js';
import type { ConsoleMode } from '../shape.js';
import { EXIT, invalidArgument } from '../errors.js';
import type { ProbeResult } from '../os/http-probe.js';
import { readClusterState, type ClusterState } from '../state/cluster-state.js';
import { linkLines, linksDegrade, linkView, type LinkView } from '../links/link-status.js';
import { readFaults } from '../links/supervise.js';
import { statusOf } from '../os/process-identity.js';
import { untilStopped, type CommandContext } from '../kit/context.js';

const PROBE_TIMEOUT_MS = 800;
const EXITED_LOG_LINES = 3;

const httpStatusOf = (r: ProbeResult): HttpStatus =>
  r.kind === 'answers' ? (r.status < 300 ? 'answers' : 'error') : r.kind;

export async function statusCommand(ctx: CommandContext, args: ParsedArgs): Promise<number> {
  const portFlag = typeof args.flags.port === 'string' ? parsePort('--port', args.flags.port) : undefined;
  const interval = typeof args.flags.interval === 'string' ? args.flags.interval : undefined;
  if (args.flags.watch === true) {
    if (ctx.out.mode === 'json')
      throw invalidArgument('--watch cannot be combined with --json: a watch never ends as one JSON document.');
    if (portFlag !== undefined) throw invalidArgument('--watch shows the managed cluster; it does not go with --port.');
    return watchStatus(ctx, parseSeconds('--interval', interval, 1));
  }
  if (interval !== undefined) throw invalidArgument('--interval goes with --watch.');
  const state = await readClusterState(ctx.layout.stateFile);
  if (state && (portFlag === undefined || state.nodes.some((n) => n.port === portFlag)))
    return managedStatus(ctx, state);
  return externalStatus(ctx, portFlag ?? DEFAULT_BASE_PORT);
}

interface NodeView {
  readonly id: number;
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  readonly process: string;
  readonly http: HttpStatus;
  readonly log: string;
  readonly exitCode?: null;
  readonly lastLog?: string[];
}

interface ManagedView {
  readonly word: ReturnType<typeof clusterWord>;
  readonly nodes: readonly NodeView[];
  readonly partitions: PartitionStatus[] | null;
  readonly seenBy: number | null;
  readonly consoleServed: ConsoleMode | null;
  readonly links: LinkView | null;
}

/**
 * Who leads what, and which console is served: from the answers already in hand when start recorded
 * the console, else asked (a state written before it was recorded).
 */
async function leadersAndConsole(
  ctx: CommandContext,
  recorded: ConsoleMode | null | undefined,
  views: ObservedLeadership[],
  nodes: readonly NodeView[],
): Promise<{ leaderViews: ObservedLeadership[]; consoleServed: ConsoleMode | null }> {
  if (recorded === 'off') return { leaderViews: [], consoleServed: 'off' };
  if (recorded !== undefined && recorded !== null) return { leaderViews: views, consoleServed: recorded };
  const answering = nodes.filter((n) => n.http === 'answers');
  if (answering.length === 0) return { leaderViews: [], consoleServed: null };
  const [leaderViews, consoleServed] = await Promise.all([
    observeLeadership(ctx.effects.probe, answering),
    askConsoleMode(ctx.effects.probe, answering[0]!.url),
  ]);
  return { leaderViews, consoleServed };
}

/** What the OS and the nodes say right now. */
async function collectManaged(ctx: CommandContext, state: ClusterState): Promise<ManagedView> {
  const { effects } = ctx;
  const observed = await observeProcesses(state.nodes, effects.readProcess);
  const secrets = secretsOf(state);
  // What start saw the nodes serve cannot change while they run (it is fixed at their spawn): asked
  // only for a state written before it was recorded.
  const recordedConsole = state.consoleServed;
  const asksLeaders = recordedConsole !== undefined && recordedConsole !== null && recordedConsole !== 'off';
  // Only running processes are asked over HTTP, all at once; the OS already told us about the rest.
  // With a console, one question per node does both jobs: it answers, and it says who leads what.
  const nodes = await Promise.all(
    observed.map(async ({ record, process }) => {
      let http: HttpStatus = 'not-probed';
      let view: PartitionLeadership[] | null = null;
      if (shouldProbe(process)) {
        const answer = await effects.probe.getJson(
          `${record.url}${asksLeaders ? '/console/api/topology' : '/v2/topology'}`,
          PROBE_TIMEOUT_MS,
        );
        http = httpStatusOf(answer);
        view = asksLeaders && answer.kind === 'answers' && answer.status < 300 ? readLeadership(answer.body) : null;
      }
      // A node that died from outside: we were not its parent, so its exit code is unknowable; its log tells.
      const lastLog =
        process === 'exited'
          ? (await readLastLines(record.log, EXITED_LOG_LINES)).map((line) => redact(line, secrets))
          : undefined;
      return {
        node: {
          id: record.id,
          port: record.port,
          url: record.url,
          pid: record.pid,
          process,
          http,
          log: record.log,
          ...(lastLog ? { exitCode: null, lastLog } : {}),
        },
        view,
      };
    }),
  );
  const views: ObservedLeadership[] = nodes.flatMap(({ node, view }) =>
    view === null ? [] : [{ observer: node.id, partitions: view }],
  );
  const nodeViews = nodes.map((n) => n.node);
  const source = nodeViews.find((n) => n.http === 'answers');
  const { leaderViews, consoleServed } = await leadersAndConsole(ctx, recordedConsole, views, nodeViews);
  const links = state.linkProxy
    ? linkView(
        state.linkProxy,
        await statusOf(effects.readProcess, state.linkProxy.pid, state.linkProxy.startTime),
        readFaults(state.linkProxy, state.nodes.length),
        state.nodes.length,
      )
    : null;
  const agreed = reconcileLeadership(leaderViews);
  const partitions = agreed
    ? partitionStatuses(agreed, nodeViews, state.settings.replication, links?.isolated ?? [])
    : null;
  // Every process answering is not enough: a partition without a live leader, or led away from its
  // owner, fails some of the requests sent to it, and so does a cut link.
  const impaired = partitions?.some((p) => p.placement !== 'owner') || (links !== null && linksDegrade(links));
  const word = clusterWord(nodeViews) === 'running' && impaired ? 'degraded' : clusterWord(nodeViews);
  return { word, nodes: nodeViews, partitions, seenBy: source?.id ?? null, consoleServed, links };
}

/** A partition's leadership in a few words, to mark a change between two watch frames. */
function leaderSummary(p: PartitionStatus): string {
  if (!p.live) return p.leader === null ? 'no leader' : `no live leader (${p.leaderProblem})`;
  return `node ${p.leader}${p.term !== null ? `, term ${p.term}` : ''}`;
}

/** The text view. Pure. With a previous frame, what changed since is marked "← was …". */
function renderManaged(
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

async function managedStatus(ctx: CommandContext, state: ClusterState): Promise<number> {
  const { out } = ctx;
  const view = await collectManaged(ctx, state);
  for (const line of renderManaged(ctx, state, view)) out.info(line);
  if (view.nodes.some((n) => n.process === 'stale')) {
    out.warn(
      `Some recorded PIDs now belong to other processes (stale state); they are left alone. "${ctx.prog} stop" forgets them.`,
    );
  }
  out.result({
    managed: true,
    cluster: view.word,
    exitCode: exitCodeFor(view.word),
    home: ctx.layout.home,
    createdAt: state.createdAt,
    settings: state.settings,
    binary: state.binary,
    nodes: view.nodes,
    partitions: view.partitions,
    displaced: view.partitions ? lastingDisplacement(view.partitions) : null,
    links: view.links,
    consoleMode: view.consoleServed,
  });
  return exitCodeFor(view.word);
}

/** `status --watch`: a frame per interval until Ctrl-C, redrawn in place on a terminal. */
async function watchStatus(ctx: CommandContext, intervalMs: number): Promise<number> {
  const { out } = ctx;
  let previous: ManagedView | undefined;
  const stopped = untilStopped(ctx);
  const interrupted = new Promise((resolve) => stopped.addEventListener('abort', resolve, { once: true }));
  while (!stopped.aborted) {
    // Read the state each time: node start/restart elsewhere changes PIDs.
    const state = await readClusterState(ctx.layout.stateFile);
    const stamp = new Date().toISOString().slice(11, 19);
    if (state === null) {
      out.frame([`${stamp}  No cluster is tracked in ${ctx.layout.home}. Waiting for one… (Ctrl-C to stop)`]);
      previous = undefined;
    } else {
      const view = await collectManaged(ctx, state);
      out.frame([
        `${stamp}  every ${intervalMs / 1000} s · Ctrl-C to stop`,
        ...renderManaged(ctx, state, view, previous),
      ]);
      previous = view;
    }
    await Promise.race([ctx.effects.sleep(intervalMs), interrupted]);
  }
  return EXIT.ok;
}

async function externalStatus(ctx: CommandContext, port: number): Promise<number> {
  const { out } = ctx;
  const strays = await ctx.effects.findEngines(ctx.layout.home, ctx.layout.dataDir);
  // Engines of this home running without state are not "stopped": they hold its data and ports.
  if (strays.length > 0) return untrackedStatus(ctx, strays);
  const url = nodeUrl(port);
  const answer = await ctx.effects.probe.getJson(`${url}/v2/topology`, PROBE_TIMEOUT_MS * 2);
  const base = { managed: false, port, url, home: ctx.layout.home, untracked: [] };

  if (answer.kind === 'answers' && answer.status < 300) {
    const product = identifyProduct(answer.body);
    if (product.kind === 'nano') {
      const topology = readTopology(answer.body);
      const partitions = await fetchLeadership(ctx.effects.probe, url, PROBE_TIMEOUT_MS);
      out.info(
        `Nano BPM ${product.version ?? ''} on port ${port} (external — not started by c8ctl): running`.replace(
          '  ',
          ' ',
        ),
      );
      out.info(
        `  product: ${describeProduct(product)} · cluster size ${topology.clusterSize ?? '?'} · ${topology.partitionsCount ?? '?'} partition(s) · RF ${topology.replicationFactor ?? '?'}`,
      );
      for (const b of topology.brokers) out.info(`  node ${b.nodeId ?? '?'}  ${b.host ?? '?'}:${b.port ?? '?'}`);
      if (partitions)
        for (const p of partitions)
          out.info(`  partition ${p.partition}: ${p.leader === null ? 'no leader' : `leader node ${p.leader}`}`);
      out.result({ ...base, cluster: 'running', exitCode: EXIT.ok, product, topology, partitions });
      return EXIT.ok;
    }
    if (product.kind === 'camunda') {
      out.info(
        `Port ${port} is serving a Camunda gateway (${describeProduct(product)}), not Nano. No Nano cluster is running there.`,
      );
      out.info(`  product: ${describeProduct(product)}`);
      out.result({ ...base, cluster: 'stopped', exitCode: EXIT.stopped, product });
      return EXIT.stopped;
    }
  }
  if (answer.kind === 'timeout') {
    out.info(`Something accepts connections on port ${port} but does not answer (a frozen node?): degraded.`);
    out.result({ ...base, cluster: 'degraded', exitCode: EXIT.degraded, http: 'timeout' });
    return EXIT.degraded;
  }
  if (answer.kind === 'answers') {
    out.info(`Port ${port} answers HTTP ${answer.status} but is not Nano BPM. No Nano cluster is running there.`);
    out.result({ ...base, cluster: 'stopped', exitCode: EXIT.stopped, http: `HTTP ${answer.status}` });
    return EXIT.stopped;
  }
  out.info(`No cluster is tracked in ${ctx.layout.home} and nothing answers on port ${port}: stopped.`);
  out.result({ ...base, cluster: 'stopped', exitCode: EXIT.stopped, http: answer.kind });
  return EXIT.stopped;
}

/** No state, but engines of this home run: name each one and the way to stop them. */
function untrackedStatus(ctx: CommandContext, strays: readonly FoundEngine[]): number {
  const { out } = ctx;
  out.info(
    `Nano cluster (untracked): degraded — ${strays.length} engine process(es) of this home run, but ${ctx.layout.stateFile} does not track them.`,
  );
  out.info('');
  const rows = [
    ['NODE', 'PORT', 'PID', 'PROCESS'],
    ...strays.map((e) => [
      e.nodeId === null ? '?' : String(e.nodeId),
      e.port === null ? '?' : String(e.port),
      String(e.pid),
      e.frozen ? 'frozen' : 'running',
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows)
    out.info(
      `  ${row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd()}`,
    );
  out.info('');
  out.info(
    `The state file was lost or removed, so start, stop and clean cannot manage them. Stop them with "${ctx.prog} stop --force".`,
  );
  out.result({
    managed: false,
    cluster: 'degraded',
    exitCode: EXIT.degraded,
    home: ctx.layout.home,
    untracked: strays,
  });
  return EXIT.degraded;
}
