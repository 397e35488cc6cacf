// Reading what an endpoint says about itself. Pure: takes parsed JSON bodies.
//
// `/v2/topology` is built from static config (a dead peer still shows as leader), so it only tells us
// "this port answers" and "this is Nano or Camunda". Live leadership comes from `/console/api/topology`.

export type Product =
  | { readonly kind: 'nano'; readonly version: string | null }
  | { readonly kind: 'camunda'; readonly version: string | null }
  | { readonly kind: 'unknown' };

const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const asString = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Nano advertises `nano.engine = "nanobpmn"`; a Camunda gateway answers the same shape without it. */
export function identifyProduct(topologyBody: unknown): Product {
  const body = asRecord(topologyBody);
  if (!body) return { kind: 'unknown' };
  const nano = asRecord(body.nano);
  if (nano && nano.engine === 'nanobpmn')
    return { kind: 'nano', version: asString(nano.version) ?? asString(body.gatewayVersion) };
  if (Array.isArray(body.brokers) || 'gatewayVersion' in body)
    return { kind: 'camunda', version: asString(body.gatewayVersion) };
  return { kind: 'unknown' };
}

export function describeProduct(product: Product): string {
  if (product.kind === 'unknown') return 'an unknown HTTP service';
  const name = product.kind === 'nano' ? 'Nano BPM' : 'Camunda';
  return product.version ? `${name} ${product.version}` : name;
}

export interface PartitionLeadership {
  readonly partition: number;
  readonly leader: number | null;
  readonly term: number | null;
  readonly recovering: boolean;
  readonly replicas: readonly number[];
  /** The node the partition is assigned to (its leader without Raft). */
  readonly owner: number | null;
}

/** Partitions from `/console/api/topology`, or null when the body is not that shape. */
export function readLeadership(consoleBody: unknown): PartitionLeadership[] | null {
  const body = asRecord(consoleBody);
  if (!body || !Array.isArray(body.partitions)) return null;
  const partitions: PartitionLeadership[] = [];
  for (const entry of body.partitions) {
    const p = asRecord(entry);
    if (!p || typeof p.partition_id !== 'number') return null;
    partitions.push({
      partition: p.partition_id,
      leader: typeof p.leader === 'number' ? p.leader : null,
      term: typeof p.raft_term === 'number' ? p.raft_term : null,
      recovering: p.recovering === true,
      replicas: Array.isArray(p.replicas) ? p.replicas.filter((r): r is number => typeof r === 'number') : [],
      owner: typeof p.owner === 'number' ? p.owner : null,
    });
  }
  return partitions;
}

/** Every partition has a leader and none is still recovering. */
export function leadershipSettled(partitions: readonly PartitionLeadership[]): boolean {
  return partitions.length > 0 && partitions.every((p) => p.leader !== null && !p.recovering);
}

/** Every view names the same leader for the same partitions. */
export function leadersAgree(views: readonly (readonly PartitionLeadership[])[]): boolean {
  const key = (v: readonly PartitionLeadership[]): string => v.map((p) => `${p.partition}:${p.leader}`).join(',');
  return views.every((v) => key(v) === key(views[0]!));
}

export interface ExternalTopology {
  readonly clusterSize: number | null;
  readonly partitionsCount: number | null;
  readonly replicationFactor: number | null;
  readonly brokers: ReadonlyArray<{
    readonly nodeId: number | null;
    readonly host: string | null;
    readonly port: number | null;
  }>;
}

export function readTopology(topologyBody: unknown): ExternalTopology {
  const body = asRecord(topologyBody) ?? {};
  const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  const brokers = Array.isArray(body.brokers) ? body.brokers.map(asRecord).filter((b) => b !== undefined) : [];
  return {
    clusterSize: num(body.clusterSize),
    partitionsCount: num(body.partitionsCount),
    replicationFactor: num(body.replicationFactor),
    brokers: brokers.map((b) => ({ nodeId: num(b.nodeId), host: asString(b.host), port: num(b.port) })),
  };
}
