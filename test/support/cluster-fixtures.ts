// Cluster shapes and node records for unit tests: the fields every fixture must fill but few tests
// look at, in one place, so a test names only what it is about and a field added to the shape is
// added here once.
import type { ClusterShape } from '../../src/shape.js';
import type { NodeRecord } from '../../src/state/cluster-state.js';

/** What a bare `start` gives (one node on 8080, one partition, no Raft, the studio console), with `overrides`. */
export function clusterShape(overrides: Partial<ClusterShape> = {}): ClusterShape {
  return {
    nodes: 1,
    basePort: 8080,
    partitions: 1,
    rf: 1,
    raft: false,
    capture: false,
    replication: 'leader-durable',
    storage: 'disk',
    historyMax: null,
    console: 'studio',
    ...overrides,
  };
}

/** Node `id` as cluster.json records it, for a cluster on `basePort` whose home is `home`; start time `linux:<id>`. */
export function nodeRecord(id: number, basePort: number, home: string, env: Record<string, string> = {}): NodeRecord {
  return {
    id,
    port: basePort + id,
    url: `http://127.0.0.1:${basePort + id}`,
    pid: 1000 + id,
    startTime: `linux:${id}`,
    log: `${home}/logs/node-${id}.log`,
    dataDir: `${home}/data/node-${id}`,
    env,
  };
}
