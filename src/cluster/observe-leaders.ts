// Asking nodes who leads what, all at once, each with a short deadline (a frozen node never answers).
import type { HttpProbe } from '../os/http-probe.js';
import type { ObservedLeadership } from './leader-views.js';
import { readLeadership, type PartitionLeadership } from './topology.js';

export const LEADERSHIP_TIMEOUT_MS = 800;

/** One node's live view (`/console/api/topology`), or null when it gives none. */
export async function fetchLeadership(
  probe: HttpProbe,
  url: string,
  timeoutMs = LEADERSHIP_TIMEOUT_MS,
): Promise<PartitionLeadership[] | null> {
  const answer = await probe.getJson(`${url}/console/api/topology`, timeoutMs);
  return answer.kind === 'answers' && answer.status < 300 ? readLeadership(answer.body) : null;
}

/** The views of every node given, those that answered. */
export async function observeLeadership(
  probe: HttpProbe,
  nodes: ReadonlyArray<{ readonly id: number; readonly url: string }>,
): Promise<ObservedLeadership[]> {
  const views = await Promise.all(
    nodes.map(async (n) => ({ observer: n.id, partitions: await fetchLeadership(probe, n.url) })),
  );
  return views.flatMap((v) => (v.partitions === null ? [] : [{ observer: v.observer, partitions: v.partitions }]));
}
