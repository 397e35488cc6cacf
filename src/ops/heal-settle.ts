// After `heal`: wait, bounded, until the leaders settle, and say how they settled (whole, displaced
// for good, or contested), so that a drill ends with a verdict rather than a guess.
import { observeProcesses } from '../cluster/lifecycle.js';
import { reconcileLeadership } from '../cluster/leader-views.js';
import { observeLeadership } from '../cluster/observe-leaders.js';
import {
  contestedPartitions,
  contestLines,
  convergence,
  displacementLines,
  lastingDisplacement,
  partitionStatuses,
  type Convergence,
} from '../cluster/partition-status.js';
import type { NodeFacts } from '../cluster/status-model.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { CommandContext } from '../kit/context.js';

export const SETTLE_TIMEOUT_MS = 8_000;
const SETTLE_POLL_MS = 250;
// A settled partition keeps its term; one election more is a hand-back. More than this in the wait is churn.
const CHURN_TERMS = 3;

export async function reportSettling(ctx: CommandContext, state: ClusterState): Promise<Convergence | null> {
  const { effects, out } = ctx;
  if (state.settings.rf === 1) return null;
  const began = effects.now();
  const firstTerms = new Map<number, number>();
  for (;;) {
    const observed = await observeProcesses(state.nodes, effects.readProcess);
    const running = observed.filter((o) => o.process === 'running').map((o) => o.record);
    const views = await observeLeadership(effects.probe, running);
    const facts: NodeFacts[] = observed.map((o) => ({
      id: o.record.id,
      process: o.process,
      http: views.some((v) => v.observer === o.record.id)
        ? 'answers'
        : o.process === 'running'
          ? 'timeout'
          : 'not-probed',
    }));
    const agreed = reconcileLeadership(views);
    if (agreed === null) return null; // no console: leaders cannot be known
    const partitions = partitionStatuses(agreed, facts, state.settings.replication);
    for (const p of partitions)
      if (p.term !== null && !firstTerms.has(p.partition)) firstTerms.set(p.partition, p.term);
    // Elections that keep repeating (terms climbing, nobody settling) are a contest too, seen over time.
    const churning = partitions
      .filter((p) => p.term !== null && p.term - (firstTerms.get(p.partition) ?? p.term) >= CHURN_TERMS)
      .map((p) => p.partition);
    const verdict = churning.length > 0 && convergence(partitions) === 'moving' ? 'contested' : convergence(partitions);
    const elapsed = effects.now() - began;
    if (verdict === 'whole') {
      out.success(`Leaders agree again after ${(elapsed / 1000).toFixed(1)} s: every partition is led by its owner.`);
      return verdict;
    }
    if (verdict === 'displaced') {
      const [first, ...rest] = displacementLines(lastingDisplacement(partitions), ctx.prog);
      out.warn([first!, ...rest].join(' '));
      return verdict;
    }
    if (elapsed >= SETTLE_TIMEOUT_MS) {
      if (verdict === 'contested') {
        const [first, ...rest] = contestLines(
          [...new Set([...contestedPartitions(partitions), ...churning])].sort((a, b) => a - b),
          ctx.prog,
        );
        out.warn([first!, ...rest].join(' '));
      } else {
        out.warn(
          `The leaders had not settled ${SETTLE_TIMEOUT_MS / 1000} s after the heal; watch them with "${ctx.prog} status --watch".`,
        );
      }
      return verdict;
    }
    await effects.sleep(SETTLE_POLL_MS);
  }
}
