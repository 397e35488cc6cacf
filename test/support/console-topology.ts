// The engine's `/console/api/topology` document, where live leadership is read from, for the tests on
// both sides of it: unit tests of readiness get fake nodes that answer it (with the `/v2/topology`
// identity and the `/metrics` peer counters the wait also asks for), end-to-end tests fetch the real
// one from a node. One place for its shape, so the fakes and the real engine cannot drift apart.
import type { WaitingNode } from '../../src/cluster/readiness.js';
import type { HttpProbe, ProbeResult } from '../../src/os/http-probe.js';

/** One entry of the document's `partitions`, as the engine writes it. */
export interface ConsolePartition {
  readonly partition_id: number;
  readonly owner: number;
  readonly leader: number | null;
  readonly replicas: readonly number[];
  readonly raft_term: number | null;
  readonly recovering: boolean;
}

/** The document; the tests read the partitions, and a few fields of their choice besides. */
export interface ConsoleTopology {
  readonly partitions: ConsolePartition[];
  readonly [field: string]: unknown;
}

/** A partition per node, each led by the node that owns it alone: a settled cluster without Raft. */
export function ownersLead(nodes: number): ConsolePartition[] {
  return Array.from({ length: nodes }, (_, owner) => ({
    partition_id: owner + 1,
    owner,
    leader: owner,
    replicas: [owner],
    raft_term: null,
    recovering: false,
  }));
}

/** `/metrics` of a node that has dialled each of `targets` once. */
export function peerMetrics(targets: readonly number[]): string {
  const samples = targets.map((t) => `nanobpm_peer_connect_attempts_total{outcome="ok",target="${t}"} 1`);
  return `# TYPE nanobpm_peer_connect_attempts_total counter\n${samples.join('\n')}\n`;
}

/** What fake node `i`, listening on `basePort + i`, answers. */
export interface FakeNodes {
  readonly basePort: number;
  /** The `partitions` of node i's `/console/api/topology` (entries may be malformed on purpose). */
  readonly partitions: (node: number) => readonly unknown[];
  /** The peers node i has dialled, for `/metrics`; without it `/metrics` is a 404 (metrics off). */
  readonly peersOf?: (node: number) => readonly number[];
  /** Any other path node i answers; the rest are 404s. */
  readonly otherPath?: (node: number, pathname: string) => ProbeResult | undefined;
}

const answers = (body: unknown, status = 200): ProbeResult => ({ kind: 'answers', status, body });

/** A probe in front of fake Nano nodes, and every URL it was asked, in order. */
export function fakeNodesProbe(nodes: FakeNodes): { probe: HttpProbe; requests: string[] } {
  const requests: string[] = [];
  const answer = (node: number, pathname: string): ProbeResult => {
    if (pathname === '/v2/topology') return answers({ nano: { engine: 'nanobpmn', version: '0.0.22' }, brokers: [] });
    if (pathname === '/console/api/topology') return answers({ partitions: nodes.partitions(node) });
    if (pathname === '/metrics' && nodes.peersOf) return answers(peerMetrics(nodes.peersOf(node)));
    return nodes.otherPath?.(node, pathname) ?? answers(null, 404);
  };
  const probe: HttpProbe = {
    async getJson(url: string): Promise<ProbeResult> {
      requests.push(url);
      const { port, pathname } = new URL(url);
      return answer(Number(port) - nodes.basePort, pathname);
    },
    close: async () => undefined,
  };
  return { probe, requests };
}

/** Nodes 0..count-1 for waitForCluster, on `basePort + id`, none of which ever exits. */
export function waitingNodes(count: number, basePort: number): WaitingNode[] {
  return Array.from({ length: count }, (_, id) => ({
    id,
    url: `http://127.0.0.1:${basePort + id}`,
    exit: new Promise(() => undefined),
  }));
}

/** A real node's document (`url` is the node's base URL). */
export async function fetchConsoleTopology(url: string, timeoutMs = 2_000): Promise<ConsoleTopology> {
  const response = await fetch(`${url}/console/api/topology`, { signal: AbortSignal.timeout(timeoutMs) });
  return (await response.json()) as ConsoleTopology;
}

/** One partition as a real node reports it; throws when the node names no such partition. */
export async function fetchPartition(url: string, partitionId: number): Promise<ConsolePartition> {
  const { partitions } = await fetchConsoleTopology(url);
  const found = partitions.find((p) => p.partition_id === partitionId);
  if (!found) throw new Error(`${url} reports no partition ${partitionId}`);
  return found;
}

/** A real node's partitions, or null while it does not answer with the document (down, starting). */
export async function partitionsOrNull(url: string): Promise<ConsolePartition[] | null> {
  try {
    const response = await fetch(`${url}/console/api/topology`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? ((await response.json()) as ConsoleTopology).partitions : null;
  } catch {
    return null;
  }
}
