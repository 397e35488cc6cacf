// The cluster's shape as data: shared by planning (src/cluster) and the state files (src/state), so it
// lives below both. No imports.

export interface ClusterShape {
  readonly nodes: number;
  readonly basePort: number;
  readonly partitions: number;
  readonly rf: number;
  /** Raft as asked for; it is also on whenever rf > 1 (see raftEnabled). */
  readonly raft: boolean;
  readonly capture: boolean;
  /** NANOBPMN_REPLICATION: whether the other replicas vote (quorum) or only follow (leader-durable). */
  readonly replication: ReplicationTier;
  /** `memory`: nodes get no NANOBPMN_DATA_DIR, so the engine keeps no journal and nothing survives a stop. */
  readonly storage: Storage;
  /** NANOBPMN_HISTORY_MAX_INSTANCES: completed instances each node keeps; null leaves the engine's default. */
  readonly historyMax: number | null;
  readonly console: ConsoleMode;
}

export type Storage = 'disk' | 'memory';

/** NANOBPMN_CONSOLE: no console, a read-only one, or the full studio IDE (the engine's default). */
export const CONSOLE_MODES = ['off', 'observe', 'studio'] as const;
export type ConsoleMode = (typeof CONSOLE_MODES)[number];

export function isConsoleMode(value: unknown): value is ConsoleMode {
  return typeof value === 'string' && (CONSOLE_MODES as readonly string[]).includes(value);
}

/**
 * The engine's two replication tiers (measured, docs/engine-behaviour.md "Replication tier"; what
 * follows for failover is in cluster/tiers.ts): under `leader-durable` the replicas are learners and only a
 * crashed leader is replaced; under `quorum` they are Raft voters and a frozen leader is replaced too.
 */
export const REPLICATION_TIERS = ['leader-durable', 'quorum'] as const;
export type ReplicationTier = (typeof REPLICATION_TIERS)[number];

export function isReplicationTier(value: unknown): value is ReplicationTier {
  return typeof value === 'string' && (REPLICATION_TIERS as readonly string[]).includes(value);
}
