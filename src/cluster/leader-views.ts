// Each node's own view of who leads what, reconciled. A node cut off from its peers still answers and
// names itself leader (with climbing terms), so one node's view is not the truth: the leader most
// nodes name wins, and every node that names another is kept as dissent. Pure.
import type { PartitionLeadership } from './topology.js';

export interface LeaderClaim {
  readonly observer: number;
  readonly leader: number | null;
  readonly term: number | null;
}

export interface ObservedLeadership {
  readonly observer: number;
  readonly partitions: readonly PartitionLeadership[];
}

export interface AgreedLeadership extends PartitionLeadership {
  /** The nodes whose answer names the leader, and those that name another (or none). */
  readonly seenBy: readonly number[];
  readonly dissent: readonly LeaderClaim[];
}

export function reconcileLeadership(views: readonly ObservedLeadership[]): AgreedLeadership[] | null {
  if (views.length === 0) return null;
  const ids = [...new Set(views.flatMap((v) => v.partitions.map((p) => p.partition)))].sort((a, b) => a - b);
  return ids.map((id) => {
    const claims = views.flatMap((v) =>
      v.partitions.filter((p) => p.partition === id).map((p) => ({ observer: v.observer, p })),
    );
    const groups = new Map<number | null, typeof claims>();
    for (const c of claims) groups.set(c.p.leader, [...(groups.get(c.p.leader) ?? []), c]);
    const maxTerm = (g: typeof claims): number => Math.max(...g.map((c) => c.p.term ?? -1));
    // Most observers first; then a named leader over none; then the higher term; then the lower id.
    const [winner] = [...groups.entries()].sort(
      ([la, a], [lb, b]) =>
        b.length - a.length ||
        Number(lb !== null) - Number(la !== null) ||
        maxTerm(b) - maxTerm(a) ||
        (la ?? 0) - (lb ?? 0),
    );
    const [leader, agreeing] = winner!;
    const base = agreeing.reduce((best, c) => ((c.p.term ?? -1) > (best.p.term ?? -1) ? c : best)).p;
    return {
      ...base,
      leader,
      seenBy: agreeing.map((c) => c.observer),
      dissent: claims
        .filter((c) => c.p.leader !== leader)
        .map((c) => ({ observer: c.observer, leader: c.p.leader, term: c.p.term })),
    };
  });
}
