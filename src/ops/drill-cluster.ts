// The cluster around a drill: whether it is fit to drill (a degraded one is refused unless forced),
// who leads what when the fault starts, and the wait after the heal until it has converged again, or
// has settled somewhere the engine will not leave by itself (displaced, under quorum), or the bound.
import { convergence, lastingDisplacement, type PartitionStatus } from '../cluster/partition-status.js';
import type { AgreedLeadership } from '../cluster/leader-views.js';
import { UserError } from '../errors.js';
import type { CommandContext } from '../kit/context.js';
import type { DrillConvergence, DrillFinalDocument } from '../results/drill.js';
import type { ClusterState } from '../state/cluster-state.js';
import { collectManaged, type ManagedView } from './status-view.js';

const POLL_MS = 300;
/** How long every partition must stay led by its owner to count as converged. */
const STABLE_MS = 2_000;

/** Why this cluster is not fit for a drill now, or null. */
export function unfitForDrill(view: ManagedView, prog: string): string | null {
  const down = view.nodes.filter((n) => n.process !== 'running' || n.http !== 'answers');
  if (down.length > 0)
    return `node ${down.map((n) => `${n.id} (${n.process}, HTTP ${n.http})`).join(', ')} ${down.length === 1 ? 'is' : 'are'} not serving`;
  if (view.links?.cut || (view.links?.faults.length ?? 0) > 0)
    return `peer link faults are in force (${view.links!.described.join('; ')}); "${prog} heal" clears them`;
  if (view.partitions === null) return null;
  const state = convergence(view.partitions);
  if (state === 'displaced')
    return `partitions are displaced (${lastingDisplacement(view.partitions)
      .map((d) => `${d.partition} led by node ${d.leader}, owned by ${d.owner}`)
      .join('; ')}), which this tier never repairs by itself`;
  if (state !== 'whole') return `the leaders are ${state} (${leaderProblems(view.partitions)})`;
  return null;
}

const leaderProblems = (partitions: readonly PartitionStatus[]): string =>
  partitions
    .filter((p) => p.placement !== 'owner')
    .map((p) => `partition ${p.partition}: ${p.placement}`)
    .join(', ');

export async function checkFitForDrill(ctx: CommandContext, state: ClusterState, force: boolean): Promise<ManagedView> {
  const view = await collectManaged(ctx, state);
  const reason = unfitForDrill(view, ctx.prog);
  if (reason !== null && !force)
    throw new UserError(
      `Not drilling a cluster that is already degraded: ${reason}. See "${ctx.prog} status"; --force drills it anyway.`,
      { code: 'error' },
    );
  return view;
}

/** The leaders most nodes agree on now (for resolving roles), or null without a console. */
export async function agreedLeaders(ctx: CommandContext, state: ClusterState): Promise<AgreedLeadership[] | null> {
  return (await collectManaged(ctx, state)).partitions;
}

export interface Converged {
  readonly convergence: DrillConvergence;
  /** On the drill's clock; null when it did not converge within the bound. */
  readonly atMs: number | null;
  readonly final: DrillFinalDocument;
}

/** Polls until whole, displaced for good, interrupted, or `settleMs`; reads the state fresh (a kill drill re-records a node). */
export async function awaitConvergence(
  ctx: CommandContext,
  readState: () => Promise<ClusterState>,
  settleMs: number,
  t0: number,
): Promise<Converged> {
  const { effects } = ctx;
  const began = effects.now();
  let wholeSince: number | null = null;
  for (;;) {
    const view = await collectManaged(ctx, await readState());
    const word = convergenceOf(view);
    const now = effects.now();
    wholeSince = word === 'whole' ? (wholeSince ?? now) : null;
    // Whole only once it holds: engine 0.0.22 was seen handing a partition back and forth after a failover.
    const stable = wholeSince !== null && now - wholeSince >= STABLE_MS;
    if (stable || word === 'displaced' || now - began >= settleMs + STABLE_MS || ctx.interrupt.aborted) {
      const final = stable ? 'whole' : word === 'whole' ? 'moving' : word;
      return { convergence: final, atMs: stable ? wholeSince! - t0 : null, final: finalOf(view, final) };
    }
    await effects.sleep(POLL_MS);
  }
}

function convergenceOf(view: ManagedView): DrillConvergence {
  if (view.partitions === null) return 'unknown';
  if (view.nodes.some((n) => n.process !== 'running' || n.http !== 'answers')) return 'moving';
  return convergence(view.partitions);
}

function finalOf(view: ManagedView, word: DrillConvergence): DrillFinalDocument {
  const partitions = view.partitions ?? [];
  return {
    convergence: word,
    displaced: lastingDisplacement(partitions),
    recovering: partitions.filter((p) => p.recovering).map((p) => p.partition),
    leaderless: partitions.filter((p) => p.leader === null || !p.live).map((p) => p.partition),
  };
}
