// The `status --json` documents: a managed cluster, what answers on a port (external), and engines of
// this home that run untracked. Scripts read these; the shapes are declared here, apart from the code
// that collects them, so a change to the collection does not change the contract unseen.
import type { Versioned } from './common.js';
import type { ClusterSettingsDocument, PartitionDocument } from './cluster.js';

/** What the OS says of a process: ours and running, ours and frozen (SIGSTOP), gone, or its PID reused. */
export type ProcessStatusResult = 'running' | 'frozen' | 'exited' | 'stale';

/** `not-probed`: not asked over HTTP, because the OS already told (frozen, exited, or not ours). */
export type HttpStatusResult = 'answers' | 'timeout' | 'refused' | 'error' | 'not-probed';

/** The cluster in one word; `exitCode` follows it (0 running, 2 degraded, 3 stopped). */
export type ClusterWordResult = 'running' | 'degraded' | 'stopped';

/** The console the nodes serve (`--console`). */
export type ConsoleModeResult = 'off' | 'observe' | 'studio';

/** The settings the cluster was started with, as recorded in its state file (as start reports them). */
export type StatusSettingsResult = ClusterSettingsDocument;

/** The engine the cluster runs. */
export interface StatusBinaryResult {
  readonly path: string;
  /** Where it was found: flag, config, env, platform-package, repo-release, repo-debug (as recorded). */
  readonly source: string;
  /** null when the engine did not say. */
  readonly version: string | null;
}

/** One node of a managed cluster. */
export interface StatusNodeResult {
  readonly id: number;
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  readonly process: ProcessStatusResult;
  readonly http: HttpStatusResult;
  /** The node's log file. */
  readonly log: string;
  /** Only on an exited node: null, as it was not started by this command its exit code is unknowable. */
  readonly exitCode?: null;
  /** Only on an exited node: the last lines of its log, secrets redacted. */
  readonly lastLog?: readonly string[];
}

/** One node's view of a partition's leader, where it differs from the agreed one (or claims it). */
export interface LeaderClaimResult {
  /** The node that says so. */
  readonly observer: number;
  readonly leader: number | null;
  readonly term: number | null;
}

/** Where a partition's leadership stands against its owner. */
export type PlacementResult = 'owner' | 'failover' | 'handing-back' | 'displaced' | 'contested' | 'no-leader';

/** One partition's live leadership, as most nodes see it, checked against the OS and HTTP. */
export interface StatusPartitionResult {
  readonly partition: number;
  /** The leader most nodes name; null when they name none. */
  readonly leader: number | null;
  readonly term: number | null;
  /** The leader still replays its journal. */
  readonly recovering: boolean;
  readonly replicas: readonly number[];
  /** The node the partition is assigned to. */
  readonly owner: number;
  /** The nodes that name `leader`. */
  readonly seenBy: readonly number[];
  /** Nodes that name another leader, or none. */
  readonly dissent: readonly LeaderClaimResult[];
  /** Nodes, not cut off, that each name themselves leader; two or more is a contest. */
  readonly claimants: readonly LeaderClaimResult[];
  /** The leader runs and answers (and is not cut off). */
  readonly live: boolean;
  /** Why the named leader does not lead right now; null when it is live (or none is named). */
  readonly leaderProblem: string | null;
  readonly placement: PlacementResult;
}

/** A partition whose live leader is not its owner although the owner runs: it will not heal by itself. */
export interface DisplacedResult {
  readonly partition: number;
  readonly leader: number;
  readonly owner: number;
}

/** What happens to everything node `from` sends node `to` (only flows that differ from pass are listed). */
export interface FlowFaultResult {
  readonly from: number;
  readonly to: number;
  /** Held (stall), refused (reset), or passed. */
  readonly mode: 'pass' | 'stall' | 'reset';
  readonly delayMs: number;
  readonly jitterMs: number;
  /** null: unlimited. */
  readonly rateBytesPerSec: number | null;
}

/** The peer links of a cluster started with --network-faults. */
export interface StatusLinksResult {
  readonly proxy: { readonly pid: number; readonly process: ProcessStatusResult; readonly log: string };
  readonly faults: readonly FlowFaultResult[];
  /** The faults in words, as the text output says them. */
  readonly described: readonly string[];
  /** The proxy port node `from` reaches node `to` at (the peer address the engine reports). */
  readonly ports: ReadonlyArray<{ readonly from: number; readonly to: number; readonly port: number }>;
  /** Some flow is held or refused. */
  readonly cut: boolean;
  /** Nodes cut off from all their peers. */
  readonly isolated: readonly number[];
}

/** `status` of the cluster tracked in this home. */
export interface ManagedStatusResult extends Versioned {
  readonly managed: true;
  readonly cluster: ClusterWordResult;
  readonly exitCode: number;
  readonly home: string;
  /** When the cluster was started (ISO 8601). */
  readonly createdAt: string;
  readonly settings: StatusSettingsResult;
  readonly binary: StatusBinaryResult;
  readonly nodes: readonly StatusNodeResult[];
  /** null when leaders cannot be known (no node answers, or the console is off). */
  readonly partitions: readonly StatusPartitionResult[] | null;
  /** null with `partitions`. */
  readonly displaced: readonly DisplacedResult[] | null;
  /** null unless the cluster was started with --network-faults. */
  readonly links: StatusLinksResult | null;
  /** The console the nodes serve; null when it could not be asked (no node answers). */
  readonly consoleMode: ConsoleModeResult | null;
}

/** What the external variants share: no cluster is tracked here (or --port names none of its nodes). */
export interface ExternalStatusBase extends Versioned {
  readonly managed: false;
  /** The port asked (--port, else the default base port). */
  readonly port: number;
  readonly url: string;
  readonly home: string;
  /** Always empty here: see UntrackedStatusResult. */
  readonly untracked: readonly [];
}

/** A Nano BPM endpoint's own description of its cluster (/v2/topology, static configuration). */
export interface ExternalTopologyResult {
  readonly clusterSize: number | null;
  readonly partitionsCount: number | null;
  readonly replicationFactor: number | null;
  readonly brokers: ReadonlyArray<{
    readonly nodeId: number | null;
    readonly host: string | null;
    readonly port: number | null;
  }>;
}

/** One partition as the external node sees it (/console/api/topology): the shape start reports. */
export type ExternalPartitionResult = PartitionDocument;

/** Nano BPM answers on the port, not started by this home. */
export interface ExternalNanoResult extends ExternalStatusBase {
  readonly cluster: 'running';
  readonly exitCode: 0;
  readonly product: { readonly kind: 'nano'; readonly version: string | null };
  readonly topology: ExternalTopologyResult;
  /** null when the node gives no live leadership (no console). */
  readonly partitions: readonly ExternalPartitionResult[] | null;
}

/** A Camunda gateway answers on the port: no Nano cluster there. */
export interface ExternalCamundaResult extends ExternalStatusBase {
  readonly cluster: 'stopped';
  readonly exitCode: 3;
  readonly product: { readonly kind: 'camunda'; readonly version: string | null };
}

/** Something accepts connections on the port but does not answer in time (a frozen node?). */
export interface ExternalTimeoutResult extends ExternalStatusBase {
  readonly cluster: 'degraded';
  readonly exitCode: 2;
  readonly http: 'timeout';
}

/** Nothing Nano answers on the port. */
export interface ExternalStoppedResult extends ExternalStatusBase {
  readonly cluster: 'stopped';
  readonly exitCode: 3;
  /** `HTTP <status>`: something else answers; `refused` / `error`: nothing does. */
  readonly http: `HTTP ${number}` | 'refused' | 'error';
}

export type ExternalStatusResult =
  | ExternalNanoResult
  | ExternalCamundaResult
  | ExternalTimeoutResult
  | ExternalStoppedResult;

/** An engine process of this home found running without a state file to track it. */
export interface UntrackedEngineResult {
  readonly pid: number;
  /** Opaque OS start time of the process. */
  readonly startTime: string;
  readonly frozen: boolean;
  /** null when its environment does not say. */
  readonly port: number | null;
  readonly nodeId: number | null;
}

/** No cluster is tracked here, but engines of this home run: degraded, and `stop --force` stops them. */
export interface UntrackedStatusResult extends Versioned {
  readonly managed: false;
  readonly cluster: 'degraded';
  readonly exitCode: 2;
  readonly home: string;
  readonly untracked: readonly UntrackedEngineResult[];
}

/** Every document `status --json` prints. */
export type StatusResult = ManagedStatusResult | ExternalStatusResult | UntrackedStatusResult;
