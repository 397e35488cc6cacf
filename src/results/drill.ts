// The --json document of `drill`: what was done, what a client saw through each node, whether anything
// acknowledged was lost, and how the cluster ended. Times are milliseconds; `atMs` values count from
// the drill's start, durations from the event they follow.
import type { Versioned } from './common.js';

/** whole: converged, nothing lost; lost: converged but lost or duplicated something; not-converged. */
export type DrillVerdictWord = 'whole' | 'lost' | 'not-converged';

/** How the leaders ended up after the heal (see `status`): displaced and contested are not converged. */
export type DrillConvergence = 'whole' | 'displaced' | 'contested' | 'moving' | 'unknown';

export interface DrillFaultDocument {
  readonly kind: 'pause' | 'kill' | 'isolate' | 'cut' | 'slow' | 'none';
  /** The target as asked: `1`, `leader-of:1`, `owner-of:2`, `any-follower`. */
  readonly target: string;
  /** The node it resolved to when the fault began; null for `none`. */
  readonly node: number | null;
  /** cut: the node that stopped hearing it. */
  readonly peer: number | null;
  /** isolate, cut: stall (silent) or reset (refused); null otherwise. */
  readonly mode: 'stall' | 'reset' | null;
  readonly delayMs: number | null;
  /** The partitions the node led when the fault began. */
  readonly ledPartitions: readonly number[];
  readonly startedAtMs: number | null;
  readonly healedAtMs: number | null;
}

export interface DrillWorkloadDocument {
  /** The drill's own BPMN process id and job type: instances with them are the drill's. */
  readonly processId: string;
  readonly jobType: string | null;
  readonly ratePerSecond: number;
  readonly deadlineMs: number;
  /** The lowest and highest instance key acknowledged, to tell the drill's instances from yours. */
  readonly firstKey: string | null;
  readonly lastKey: string | null;
  readonly creates: {
    readonly sent: number;
    readonly acknowledged: number;
    /** Answered with an error: the engine did not take it. */
    readonly failed: number;
    /** The client gave up (deadline): it may or may not have run. */
    readonly unknown: number;
  };
  readonly jobsCompleted: number;
}

export interface DrillChecksDocument {
  /** Acknowledged creates found through no node after the heal: must be 0. */
  readonly acknowledgedLost: number;
  readonly lostKeys: readonly string[];
  /** Acknowledged instances a node could not read by key (found through another). */
  readonly unreadable: ReadonlyArray<{ readonly node: number; readonly count: number }>;
  /** Keys acknowledged for two different creates. */
  readonly duplicateKeys: readonly string[];
  /** Keys holding a second copy of one create (the same `drillSeq` under another key). */
  readonly duplicateInstances: readonly string[];
  /** Acknowledged instances whose job was never completed (with a task). */
  readonly jobsNotCompleted: number;
  /** Unknown-outcome creates found after the heal (they ran), and those not found. */
  readonly unknownPresent: number;
  readonly unknownAbsent: number;
  /** Nodes that did not hold the drill's process definition. */
  readonly deploymentsMissingOn: readonly number[];
}

export interface DrillTimingsDocument {
  /** From the fault to the first leader change any other node reported; null if none was seen. */
  readonly detectMs: number | null;
  /** Per partition the target led: from the fault to a live new leader, or null if none came. */
  readonly newLeader: ReadonlyArray<{
    readonly partition: number;
    readonly leader: number | null;
    readonly ms: number | null;
  }>;
  /** From the heal to convergence (every partition led by its owner for 2 s); null if not within --settle. */
  readonly convergedMs: number | null;
  /** Per node: its first and last failed request after the fault (null: none failed). */
  readonly unavailable: ReadonlyArray<{
    readonly node: number;
    readonly fromMs: number | null;
    readonly toMs: number | null;
    readonly ms: number;
  }>;
}

export interface DrillLatencyDocument {
  readonly phase: 'before' | 'during' | 'after';
  readonly requests: number;
  readonly failed: number;
  /** Of the acknowledged creates sent in that phase; null when there were none. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

export interface DrillFinalDocument {
  readonly convergence: DrillConvergence;
  readonly displaced: ReadonlyArray<{ readonly partition: number; readonly leader: number; readonly owner: number }>;
  readonly recovering: readonly number[];
  readonly leaderless: readonly number[];
}

export interface DrillTimelineDocument {
  readonly bucketMs: number;
  /** One character per bucket: `.` no request, `o` all answered, `x` an error, `?` a request timed out. */
  readonly nodes: ReadonlyArray<{ readonly node: number; readonly strip: string }>;
  readonly events: ReadonlyArray<{ readonly atMs: number; readonly kind: string; readonly detail: string }>;
  /** Leader changes seen, for the marks on the timeline. */
  readonly leaderChanges: ReadonlyArray<{
    readonly atMs: number;
    readonly partition: number;
    readonly from: number | null;
    readonly to: number | null;
  }>;
}

export interface DrillResult extends Versioned {
  readonly ok: boolean;
  readonly verdict: DrillVerdictWord;
  /** 0 whole, 4 converged but lost or duplicated something, 5 did not converge. */
  readonly exitCode: 0 | 4 | 5;
  readonly cluster: {
    readonly nodes: number;
    readonly partitions: number;
    readonly rf: number;
    readonly replication: 'leader-durable' | 'quorum';
  };
  readonly fault: DrillFaultDocument;
  readonly workload: DrillWorkloadDocument;
  readonly checks: DrillChecksDocument;
  readonly timings: DrillTimingsDocument;
  /** Failed requests by kind (`create: HTTP 500 Peer error`, `activate: timeout`), most first. */
  readonly errors: ReadonlyArray<{ readonly kind: string; readonly count: number }>;
  readonly latency: readonly DrillLatencyDocument[];
  readonly final: DrillFinalDocument;
  readonly timeline: DrillTimelineDocument;
  readonly durationMs: number;
  /** The HTML report written (--report), or null. */
  readonly report: string | null;
}
