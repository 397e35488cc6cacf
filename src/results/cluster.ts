// The --json documents of the cluster-lifecycle verbs: start, restart, stop and node. Scripts read
// these, so the shapes are declared here, apart from the state and planning types they are built from:
// a change there must not change a document unnoticed (see common.ts for the versioning rule).
import type { Versioned } from './common.js';

/** The cluster's shape as recorded in cluster.json; `raft` is the effective value (on whenever rf > 1). */
export interface ClusterSettingsDocument {
  readonly nodes: number;
  readonly basePort: number;
  readonly partitions: number;
  readonly rf: number;
  readonly raft: boolean;
  readonly capture: boolean;
  readonly replication: 'leader-durable' | 'quorum';
  /** `memory`: nothing the engine holds survives a stop. */
  readonly storage: 'disk' | 'memory';
  /** Completed instances each node keeps; null leaves the engine's default. */
  readonly historyMax: number | null;
  readonly console: 'off' | 'observe' | 'studio';
  /** Present (true) only for a cluster started with --network-faults. */
  readonly networkFaults?: boolean;
}

/** One tracked node: its process (pid plus OS start time prove it is ours), port, log and data. */
export interface NodeDocument {
  readonly id: number;
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  /** Opaque OS start time of `pid`; `exited-before-recorded` when the process was gone before it was read. */
  readonly startTime: string;
  readonly log: string;
  readonly dataDir: string;
}

/** Who leads one partition, as the console topology reported it once the cluster was ready. */
export interface PartitionDocument {
  readonly partition: number;
  readonly leader: number | null;
  readonly term: number | null;
  /** Led, but the leader is still catching up. */
  readonly recovering: boolean;
  readonly replicas: readonly number[];
  /** The node the partition is assigned to. */
  readonly owner: number | null;
}

/** How c8ctl reaches the cluster: the profile to use, and the commands to set it up once. */
export interface C8ctlDocument {
  readonly profile: string;
  readonly setup: readonly string[];
  readonly example: string;
}

/** A cluster started (by `start`, or `restart`) and ready. */
export interface ClusterStartedResult extends Versioned {
  readonly ok: true;
  readonly cluster: 'running';
  /** From the first spawn to ready, in ms. */
  readonly readyMs: number;
  readonly home: string;
  readonly settings: ClusterSettingsDocument;
  /** The engine run: its path, where it was found (`source`, `sourceLabel`) and its version (null if unknown). */
  readonly binary: {
    readonly path: string;
    readonly source: string;
    readonly version: string | null;
    readonly sourceLabel: string;
  };
  readonly workspaceDir: string;
  readonly nodes: readonly NodeDocument[];
  /** Each partition's leader; null when readiness could not read them (no console). */
  readonly partitions: readonly PartitionDocument[] | null;
  /** The first node's REST API, e.g. `http://127.0.0.1:8080/v2`. */
  readonly restApi: string;
  /** The first node's console URL; null when the nodes serve none. */
  readonly console: string | null;
  /** The console the nodes were seen to serve; null when that could not be told. */
  readonly consoleMode: 'off' | 'observe' | 'studio' | null;
  readonly c8ctl: C8ctlDocument;
}

interface AlreadyRunningFields extends Versioned {
  readonly alreadyRunning: true;
  /** Nodes of the running cluster that had exited and were started again on their data. */
  readonly restarted: readonly number[];
  /** Nodes frozen by `pause`, left so (start does not end a drill). */
  readonly frozen: readonly number[];
  /** How long the restarted nodes took to be ready, in ms. */
  readonly readyMs: number;
  readonly home: string;
  readonly settings: ClusterSettingsDocument;
  /** The recorded engine (no `sourceLabel` here: the source as recorded). */
  readonly binary: { readonly path: string; readonly source: string; readonly version: string | null };
  readonly nodes: readonly NodeDocument[];
  /** Each partition's leader; null when a frozen node (or no console) meant only answering was waited for. */
  readonly partitions: readonly PartitionDocument[] | null;
}

/** `start` on a cluster already running as asked, every node running (exit 0). */
export interface AlreadyRunningResult extends AlreadyRunningFields {
  readonly ok: true;
  readonly cluster: 'running';
}

/** `start` on a cluster already running as asked, with frozen nodes left frozen (exit 2). */
export interface AlreadyRunningDegradedResult extends AlreadyRunningFields {
  readonly ok: false;
  readonly cluster: 'degraded';
}

/** What `start` prints: a cluster started, or the one already running as asked. */
export type StartResult = ClusterStartedResult | AlreadyRunningResult | AlreadyRunningDegradedResult;

/** What `restart` prints: the cluster started again (the previous one was stopped first). */
export type RestartResult = ClusterStartedResult;

/** How a process was stopped; `failed` (still alive after SIGKILL) fails the command instead. */
export type StopOutcomeDocument = 'graceful' | 'forced' | 'not-running' | 'stale';

/** `stop` with no cluster tracked and no engine of the home running. */
export interface StopNothingResult extends Versioned {
  readonly ok: true;
  readonly stopped: readonly [];
  /** False even with --purge: without a tracked cluster, nothing proves the data unused. */
  readonly purged: false;
  readonly message: 'no cluster tracked';
}

/** `stop` that stopped the tracked cluster (and, with --force, the home's untracked engines). */
export interface StopDoneResult extends Versioned {
  readonly ok: true;
  /** Each tracked node; `ms` is how long its stop took. */
  readonly stopped: ReadonlyArray<{
    readonly id: number;
    readonly pid: number;
    readonly outcome: StopOutcomeDocument;
    readonly ms: number;
  }>;
  /** Untracked engines (and link proxies) of this home stopped by --force; empty without it. */
  readonly untracked: ReadonlyArray<{
    readonly pid: number;
    readonly outcome: StopOutcomeDocument;
    readonly ms: number;
  }>;
  /** A recorded pid belonged to another process by now (left alone). */
  readonly staleState: boolean;
  readonly purged: boolean;
  readonly dataDir: string;
  readonly logsDir: string;
}

export type StopResult = StopNothingResult | StopDoneResult;

/** `node <id> stop`. */
export interface NodeStopResult extends Versioned {
  readonly ok: true;
  readonly node: number;
  readonly pid: number;
  readonly action: 'stop';
  readonly outcome: StopOutcomeDocument;
}

/** `node <id> kill`: the signal was sent (and, for SIGKILL, the process seen gone). */
export interface NodeKillResult extends Versioned {
  readonly ok: true;
  readonly node: number;
  readonly pid: number;
  readonly action: 'kill';
  /** The signal's name, e.g. `SIGKILL`. */
  readonly signal: string;
}

/** `node <id> start|restart` on a node already running or frozen: nothing was done. */
export interface NodeUnchangedResult extends Versioned {
  readonly ok: true;
  readonly node: number;
  /** The running process's pid. */
  readonly pid: number;
  readonly action: 'start' | 'restart';
  readonly changed: false;
}

/** `node <id> start|restart` that brought the node back. */
export interface NodeStartedResult extends Versioned {
  readonly ok: true;
  readonly node: number;
  /** The new process's pid. */
  readonly pid: number;
  readonly action: 'start' | 'restart';
  readonly changed: true;
  /** `kept`: back on its previous data; `none`: the cluster runs in memory, so it came back empty. */
  readonly data: 'none' | 'kept';
}

export type NodeResult = NodeStopResult | NodeKillResult | NodeUnchangedResult | NodeStartedResult;
