// `nano status [--port P] [--watch]`: the truth about the managed cluster (OS first, then HTTP, never
// hanging), or, with no managed cluster, what answers on a port. The verb reads the flags and picks the
// job: collecting (ops/status-view.ts), rendering (status-render.ts), watching (status-watch.ts), an
// external node (status-external.ts), engines running untracked (status-strays.ts).
import type { NanoArgs } from '../kit/args.js';
import { DEFAULT_BASE_PORT } from '../cluster/start-options.js';
import { parsePort, parseSeconds } from '../values.js';
import { exitCodeFor } from '../cluster/status-model.js';
import { lastingDisplacement } from '../cluster/partition-status.js';
import { invalidArgument } from '../errors.js';
import { readClusterState, type ClusterState } from '../state/cluster-state.js';
import type { CommandContext } from '../kit/context.js';
import { collectManaged } from '../ops/status-view.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { ManagedStatusResult } from '../results/status.js';
import { renderFrame, renderManaged } from './status-render.js';
import { watchStatus } from './status-watch.js';
import { externalStatus } from './status-external.js';
import { untrackedStatus } from './status-strays.js';

export async function statusCommand(ctx: CommandContext, args: NanoArgs<'status'>): Promise<number> {
  const portFlag = typeof args.flags.port === 'string' ? parsePort('--port', args.flags.port) : undefined;
  const interval = typeof args.flags.interval === 'string' ? args.flags.interval : undefined;
  if (args.flags.watch === true) {
    if (ctx.out.mode === 'json')
      throw invalidArgument('--watch cannot be combined with --json: a watch never ends as one JSON document.');
    if (portFlag !== undefined) throw invalidArgument('--watch shows the managed cluster; it does not go with --port.');
    return watchStatus(ctx, parseSeconds('--interval', interval, 1), renderFrame);
  }
  if (interval !== undefined) throw invalidArgument('--interval goes with --watch.');
  const state = await readClusterState(ctx.layout.stateFile);
  if (state && (portFlag === undefined || state.nodes.some((n) => n.port === portFlag)))
    return managedStatus(ctx, state);
  const strays = await ctx.effects.findEngines(ctx.layout.home, ctx.layout.dataDir);
  // Engines of this home running without state are not "stopped": they hold its data and ports.
  if (strays.length > 0) return untrackedStatus(ctx, strays);
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
    schemaVersion: SCHEMA_VERSION,
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
  } satisfies ManagedStatusResult);
  return exitCodeFor(view.word);
}
