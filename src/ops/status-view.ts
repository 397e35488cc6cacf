// What status reports about a managed cluster, collected: the OS about each process first, then one
// question per running node (in parallel, with a deadline), every node's view of the leaders
// reconciled, and the link proxy's faults. An operation: status and status --watch render it.
import type { ProcessStatus } from '../os/process-identity.js';
import { observeProcesses, type ObservedNode } from '../cluster/lifecycle.js';
import { redact, secretsOf } from '../cluster/redact.js';
import { readLastLines } from '../logs/tail.js';
import { clusterWord, shouldProbe, type ClusterWord, type HttpStatus } from '../cluster/status-model.js';
import { reconcileLeadership, type ObservedLeadership } from '../cluster/leader-views.js';
import { observeLeadership } from '../cluster/observe-leaders.js';
import { partitionStatuses, type PartitionStatus } from '../cluster/partition-status.js';
import { readLeadership, type PartitionLeadership } from '../cluster/topology.js';
import { askConsoleMode } from '../cluster/console-served.js';
import type { ConsoleMode } from '../shape.js';
import type { ProbeResult } from '../os/http-probe.js';
import type { ClusterState } from '../state/cluster-state.js';
import { linksDegrade, linkView, type LinkView } from '../links/link-status.js';
import { readFaults } from '../links/supervise.js';
import { statusOf } from '../os/process-identity.js';
import type { CommandContext } from '../kit/context.js';

export const PROBE_TIMEOUT_MS = 800;
const EXITED_LOG_LINES = 3;

const httpStatusOf = (r: ProbeResult): HttpStatus =>
  r.kind === 'answers' ? (r.status < 300 ? 'answers' : 'error') : r.kind;

export interface NodeView {
  readonly id: number;
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  readonly process: ProcessStatus;
  readonly http: HttpStatus;
  readonly log: string;
  readonly exitCode?: null;
  readonly lastLog?: string[];
}

export interface ManagedView {
  readonly word: ClusterWord;
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

/** A node as the OS and (when it runs) its own answer tell it, with the leaders it names when asked. */
async function observeNode(
  ctx: CommandContext,
  { record, process }: ObservedNode,
  asksLeaders: boolean,
  secrets: readonly string[],
): Promise<{ node: NodeView; view: PartitionLeadership[] | null }> {
  let http: HttpStatus = 'not-probed';
  let view: PartitionLeadership[] | null = null;
  if (shouldProbe(process)) {
    const answer = await ctx.effects.probe.getJson(
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
  const { id, port, url, pid, log } = record;
  return { node: { id, port, url, pid, process, http, log, ...(lastLog ? { exitCode: null, lastLog } : {}) }, view };
}

/** The link proxy's process and faults, for a cluster started with --network-faults. */
async function observeLinks(ctx: CommandContext, state: ClusterState): Promise<LinkView | null> {
  const proxy = state.linkProxy;
  if (!proxy) return null;
  const process = await statusOf(ctx.effects.readProcess, proxy.pid, proxy.startTime);
  return linkView(proxy, process, readFaults(proxy, state.nodes.length), state.nodes.length);
}

/**
 * The cluster word. Every process answering is not enough: a partition without a live leader, or led
 * away from its owner, fails some of the requests sent to it, and so does a cut link.
 */
function wordOf(nodes: readonly NodeView[], partitions: PartitionStatus[] | null, links: LinkView | null): ClusterWord {
  const impaired = partitions?.some((p) => p.placement !== 'owner') || (links !== null && linksDegrade(links));
  const word = clusterWord(nodes);
  return word === 'running' && impaired ? 'degraded' : word;
}

/** What the OS and the nodes say right now. */
export async function collectManaged(ctx: CommandContext, state: ClusterState): Promise<ManagedView> {
  const observed = await observeProcesses(state.nodes, ctx.effects.readProcess);
  const secrets = secretsOf(state);
  // What start saw the nodes serve cannot change while they run (it is fixed at their spawn): asked
  // only for a state written before it was recorded.
  const recordedConsole = state.consoleServed;
  const asksLeaders = recordedConsole !== undefined && recordedConsole !== null && recordedConsole !== 'off';
  // Only running processes are asked over HTTP, all at once; the OS already told us about the rest.
  // With a console, one question per node does both jobs: it answers, and it says who leads what.
  const answers = await Promise.all(observed.map((o) => observeNode(ctx, o, asksLeaders, secrets)));
  const views: ObservedLeadership[] = answers.flatMap(({ node, view }) =>
    view === null ? [] : [{ observer: node.id, partitions: view }],
  );
  const nodes = answers.map((a) => a.node);
  const { leaderViews, consoleServed } = await leadersAndConsole(ctx, recordedConsole, views, nodes);
  const links = await observeLinks(ctx, state);
  const agreed = reconcileLeadership(leaderViews);
  const partitions = agreed
    ? partitionStatuses(agreed, nodes, state.settings.replication, links?.isolated ?? [])
    : null;
  const seenBy = nodes.find((n) => n.http === 'answers')?.id ?? null;
  return { word: wordOf(nodes, partitions, links), nodes, partitions, seenBy, consoleServed, links };
}
