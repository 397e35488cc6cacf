// What status reports about a managed cluster, collected: the OS about each process first, then one
// question per running node (in parallel, with a deadline), every node's view of the leaders
// reconciled, and the link proxy's faults. An operation: status and status --watch render it.
import type { ProcessStatus } from '../os/process-identity.js';
import { observeProcesses } from '../cluster/lifecycle.js';
import { redact, secretsOf } from '../cluster/redact.js';
import { readLastLines } from '../logs/tail.js';
import { clusterWord, shouldProbe, type HttpStatus } from '../cluster/status-model.js';
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
export async function collectManaged(ctx: CommandContext, state: ClusterState): Promise<ManagedView> {
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
