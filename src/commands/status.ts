// `nano status [--port P]`: the truth about the managed cluster (OS first, then HTTP, never hanging),
// or, with no managed cluster, what answers on a port.
import type { NanoArgs } from '../kit/args.js';
import type { FoundEngine } from '../os/find-engines.js';
import { DEFAULT_BASE_PORT } from '../cluster/start-options.js';
import { parsePort, parseSeconds } from '../values.js';
import { exitCodeFor } from '../cluster/status-model.js';
import { fetchLeadership } from '../cluster/observe-leaders.js';
import { lastingDisplacement } from '../cluster/partition-status.js';
import { describeProduct, identifyProduct, readTopology } from '../cluster/topology.js';
import { nodeUrl } from '../cluster/plan.js';
import { EXIT, invalidArgument } from '../errors.js';
import { readClusterState, type ClusterState } from '../state/cluster-state.js';
import { untilStopped, type CommandContext } from '../kit/context.js';
import { collectManaged, PROBE_TIMEOUT_MS, type ManagedView } from '../ops/status-view.js';
import { renderManaged } from './status-render.js';

export async function statusCommand(ctx: CommandContext, args: NanoArgs<'status'>): Promise<number> {
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
