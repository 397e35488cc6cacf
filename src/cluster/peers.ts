// Have the nodes reached each other? Pure: reads a node's Prometheus text from /metrics.
//
// At boot every node dials every peer (to broadcast its seed deployment). A dial that finds the peer
// not listening yet opens a circuit breaker for up to a second, and a deployment made meanwhile is
// never delivered to that peer. So a cluster is only ready once each node has an uplink to each peer,
// which the engine counts as nanobpm_peer_connect_attempts_total{outcome="ok",target="<peer>"}.

const METRIC = 'nanobpm_peer_connect_attempts_total';

/** Peers this node has an uplink to, or null when the engine does not report the metric at all. */
export function connectedPeers(metricsText: string): Set<number> | null {
  if (!metricsText.includes(METRIC)) return null;
  const connected = new Set<number>();
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${METRIC}{`)) continue;
    const match = /^[^{]+\{([^}]*)\}\s+(\d+(?:\.\d+)?)/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (labels.outcome === 'ok' && Number(match[2]) > 0 && /^\d+$/.test(labels.target ?? ''))
      connected.add(Number(labels.target));
  }
  return connected;
}

/** The peers of `self` it has not reached yet (none when the engine does not say). */
export function unreachedPeers(metricsText: string, self: number, ids: readonly number[]): number[] {
  const connected = connectedPeers(metricsText);
  if (connected === null) return [];
  return ids.filter((id) => id !== self && !connected.has(id));
}

/**
 * The key of an instance that cannot exist in `partition`: the highest of its key range (keys are
 * Zeebe-style, partition = (key >> 51) + 1). Asking a node for it makes the node forward the request
 * to the partition's owner, which re-dials a peer whose breaker has cooled down; the answer is a 404.
 */
export function unusedKeyOf(partition: number): string {
  return ((BigInt(partition - 1) << 51n) + (1n << 51n) - 1n).toString();
}

export interface PartitionOwner {
  readonly partition: number;
  readonly owner: number | null;
  readonly replicas: readonly number[];
}

/** Read-only requests that make a node re-dial each missing peer: one unused key per peer it owns. */
export function kickPaths(missing: readonly number[], partitions: readonly PartitionOwner[]): string[] {
  const paths: string[] = [];
  for (const peer of missing) {
    const owned = partitions.find((p) => p.owner === peer) ?? partitions.find((p) => p.replicas.includes(peer));
    if (owned) paths.push(`/v2/process-instances/${unusedKeyOf(owned.partition)}`);
  }
  return paths;
}

/**
 * Without a console to ask: the engine assigns partitions round robin ((partition - 1) mod nodes), and
 * there are at least as many partitions as nodes, so partition id + 1 is owned by node id.
 */
export function assumedOwners(ids: readonly number[]): PartitionOwner[] {
  return ids.map((id) => ({ partition: id + 1, owner: id, replicas: [id] }));
}
