// What each node gets: port, id, data dir, log and environment. Pure: no files, no processes.
import type { ClusterShape } from '../shape.js';
import type { Layout } from '../state/layout.js';

export { REPLICATION_TIERS, type ClusterShape, type ReplicationTier } from '../shape.js';
export { IN_MEMORY_MARK, MANAGED_BY } from '../markers.js';
import { IN_MEMORY_MARK, MANAGED_BY } from '../markers.js';
import { PACKAGE_NAME } from '../package-name.js';

export interface NodePlan {
  readonly id: number;
  readonly port: number;
  readonly url: string;
  readonly dataDir: string;
  readonly log: string;
  /** The variables we set for this node; the user's environment is merged under them at spawn. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Engine defaults the user may override by exporting the variable before `start` (or `export`). They
 * hold wherever the cluster runs.
 */
export const CLUSTER_DEFAULTS: Readonly<Record<string, string>> = {
  NANOBPMN_DURABILITY: 'async',
  NANOBPMN_REPLICATE_ACTIVATION: 'digest',
  // A peer dialled before it listens trips a breaker for about 500 ms, and deployments made meanwhile
  // never reach it; 10 ms lets start's kick close it at once (docs/engine-behaviour.md "Boot"; cost:
  // docs/benchmarks.md).
  NANOBPMN_PEER_BREAKER_COOLDOWN_MS: '10',
};

/**
 * Overridable defaults for a local cluster only. With Raft, once a node sees all its peers it waits
 * this grace before forming its groups (engine default 1500 ms). Every node of a local cluster starts
 * together, so 200 ms is enough: RF 3 ready in ≈0.56 s instead of ≈1.86 s, with every instance kept
 * across restarts and failover (benchmarks.md). Pods and hosts start apart, so an export keeps the
 * engine's own grace.
 */
export const LOCAL_DEFAULTS: Readonly<Record<string, string>> = {
  NANOBPMN_RAFT_SETTLE_GRACE_MS: '200',
};

/** Every default a local `start` gives; the user's own export of any of them wins. */
export const OVERRIDABLE_DEFAULTS: Readonly<Record<string, string>> = { ...CLUSTER_DEFAULTS, ...LOCAL_DEFAULTS };

/** Values the engine knows for the overridable variables it would otherwise accept silently. */
export const KNOWN_VALUES: Readonly<Record<string, readonly string[]>> = {
  NANOBPMN_DURABILITY: ['async', 'sync'],
};

/**
 * Variables that define the cluster's shape. They come from our flags only: a stray export in the
 * user's shell (say NANOBPMN_RAFT=1 left over) must not silently change the cluster.
 */
export const SHAPE_VARIABLES = [
  'PORT',
  'NANOBPMN_NODE_ID',
  'NANOBPMN_NODES',
  'NANOBPMN_PARTITIONS',
  'NANOBPMN_RF',
  'NANOBPMN_RAFT',
  'NANOBPMN_DATA_DIR',
  'NANOBPMN_WORKSPACE_DIR',
  'NANOBPMN_TRACE_STIMULI',
  'NANOBPMN_REPLICATION',
  'NANOBPMN_HISTORY_MAX_INSTANCES',
  'NANOBPMN_CONSOLE',
] as const;

export const LOOPBACK = '127.0.0.1';

export const CLUSTER_SECRET = 'NANOBPMN_CLUSTER_SECRET';

export function raftEnabled(shape: Pick<ClusterShape, 'rf' | 'raft'>): boolean {
  return shape.raft || shape.rf > 1;
}

export function nodeUrl(port: number): string {
  return addressUrl({ host: LOOPBACK, port });
}

export interface PlanInputs {
  readonly shape: ClusterShape;
  readonly layout: Layout;
  readonly workspaceDir: string;
  /** The user's environment, consulted only for the overridable defaults and NO_COLOR. */
  readonly userEnv: Readonly<Record<string, string | undefined>>;
  /** Shared by every node so peers authenticate each other (the user's own, or one made per cluster). */
  readonly clusterSecret: string;
  /** Who launched the engine, for its update advice; the user's own values of these win. */
  readonly launcher?: LauncherFacts;
  /** With the link proxy: node `from` reaches peer `to` at this loopback port instead of the peer's own. */
  readonly linkPorts?: ReadonlyArray<{ readonly from: number; readonly to: number; readonly port: number }>;
}

export interface LauncherFacts {
  readonly version: string;
  /** NANOBPMN_BINARY_SOURCE, as the engine names install methods (binary/install-method.ts). */
  readonly installMethod: string;
  /** The Node running us, when the engine can use it for JS workers; null otherwise. */
  readonly nodeBin: string | null;
}

export const LAUNCHER_NAME = PACKAGE_NAME;

/** The launcher variables the engine reads (its console's update advice, JS workers). */
export function launcherEnv(facts: LauncherFacts): Record<string, string> {
  return {
    NANOBPMN_LAUNCHER: LAUNCHER_NAME,
    NANOBPMN_LAUNCHER_VERSION: facts.version,
    NANOBPMN_BINARY_SOURCE: facts.installMethod,
    NANOBPMN_UPDATE_CHANNEL: 'npm',
    NANOBPMN_UPDATE_PKG: LAUNCHER_NAME,
    ...(facts.nodeBin !== null ? { NANOBPMN_NODE_BIN: facts.nodeBin } : {}),
  };
}

/** Where a node is reached by its peers and clients. */
export interface NodeAddress {
  readonly host: string;
  readonly port: number;
}

export function addressUrl(address: NodeAddress): string {
  return `http://${address.host}:${address.port}`;
}

export interface SharedEnvInputs {
  readonly shape: ClusterShape;
  /** Every node's address, in node-id order: the peer list each node gets. */
  readonly addresses: readonly NodeAddress[];
  readonly userEnv: Readonly<Record<string, string | undefined>>;
  /** The overridable defaults that apply where the cluster runs (the user's exports win). */
  readonly defaults: Readonly<Record<string, string>>;
}

/**
 * What every node of the cluster gets, wherever it runs: the shape, the peer list and the overridable
 * defaults. `start` and `export` both build on this, so a cluster exported is the cluster rehearsed.
 */
export function sharedNodeEnv({ shape, addresses, userEnv, defaults }: SharedEnvInputs): Record<string, string> {
  const shared: Record<string, string> = {
    NANOBPMN_NODES: addresses.map(addressUrl).join(','),
    NANOBPMN_PARTITIONS: String(shape.partitions),
    NANOBPMN_RF: String(shape.rf),
    ...(raftEnabled(shape) ? { NANOBPMN_RAFT: '1' } : {}),
    NANOBPMN_REPLICATION: shape.replication,
    NANOBPMN_CONSOLE: shape.console,
  };
  for (const [name, fallback] of Object.entries(defaults)) {
    const exported = userEnv[name];
    shared[name] = exported !== undefined && exported !== '' ? exported : fallback;
  }
  if (shape.capture) shared.NANOBPMN_TRACE_STIMULI = '1';
  if (shape.historyMax !== null) shared.NANOBPMN_HISTORY_MAX_INSTANCES = String(shape.historyMax);
  return shared;
}

/** The addresses of a local cluster: loopback, one port per node from the base port up. */
export function localAddresses(shape: Pick<ClusterShape, 'nodes' | 'basePort'>): NodeAddress[] {
  return Array.from({ length: shape.nodes }, (_, id) => ({ host: LOOPBACK, port: shape.basePort + id }));
}

/**
 * Node `id`'s peer list: its own address, and each peer's through the link proxy when there is one.
 * The engine does no identity check on peer addresses, so every node may be given its own list.
 */
export function peerList(
  id: number,
  addresses: readonly NodeAddress[],
  linkPorts: NonNullable<PlanInputs['linkPorts']>,
): string {
  return addresses
    .map((address, peer) => {
      const link = peer === id ? undefined : linkPorts.find((l) => l.from === id && l.to === peer);
      return addressUrl(link ? { host: LOOPBACK, port: link.port } : address);
    })
    .join(',');
}

export function planNodes({
  shape,
  layout,
  workspaceDir,
  userEnv,
  clusterSecret,
  launcher,
  linkPorts,
}: PlanInputs): NodePlan[] {
  const addresses = localAddresses(shape);
  const shared: Record<string, string> = {
    ...sharedNodeEnv({
      shape,
      addresses,
      userEnv,
      defaults: { ...OVERRIDABLE_DEFAULTS, ...(launcher ? launcherEnv(launcher) : {}) },
    }),
    NANOBPMN_WORKSPACE_DIR: workspaceDir,
    [CLUSTER_SECRET]: clusterSecret,
    [MANAGED_BY]: layout.home,
  };
  if (shape.storage === 'memory') shared[IN_MEMORY_MARK] = '1';
  // Log files should be plain text; a user who set NO_COLOR (to anything) keeps their value.
  shared.NO_COLOR = userEnv.NO_COLOR ?? '1';

  return addresses.map(({ port }, id) => ({
    id,
    port,
    url: nodeUrl(port),
    dataDir: layout.nodeDataDir(id),
    log: layout.nodeLog(id),
    env: {
      PORT: String(port),
      NANOBPMN_NODE_ID: String(id),
      ...shared,
      ...(linkPorts ? { NANOBPMN_NODES: peerList(id, addresses, linkPorts) } : {}),
      // Without a data dir the engine runs in memory: no journal, no read database on disk.
      ...(shape.storage === 'disk' ? { NANOBPMN_DATA_DIR: layout.nodeDataDir(id) } : {}),
    },
  }));
}

/** The full environment a node process gets: the user's, minus shape variables, under ours. */
export function processEnv(
  userEnv: Readonly<Record<string, string | undefined>>,
  nodeEnv: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(userEnv)) {
    if (value !== undefined && !(SHAPE_VARIABLES as readonly string[]).includes(name)) env[name] = value;
  }
  return { ...env, ...nodeEnv };
}
