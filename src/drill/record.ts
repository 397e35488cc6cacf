// What a drill saw, as it happened: every request the workload sent and how it ended, every sample of
// who each node said leads each partition, and the drill's own events. Times are milliseconds since the
// drill began (the monotonic clock). The verdict (verdict.ts) and the pictures (timeline.ts,
// report-html.ts) are computed from this alone, so they can be tested on records made up by hand.

/** How one request ended. A `timeout` is an unknown outcome: the client gave up, the request may still run. */
export type RequestOutcome =
  | { readonly kind: 'ok'; readonly status: number }
  | {
      readonly kind: 'error';
      /** The HTTP status, or null when no answer came (refused, reset). */
      readonly status: number | null;
      /** The engine's own words (its `title`/`detail`), or the socket error. */
      readonly message: string;
    }
  | { readonly kind: 'timeout' };

export type RequestOp = 'create' | 'activate' | 'complete' | 'read';

export interface RequestRecord {
  readonly op: RequestOp;
  /** The node the request was sent to. */
  readonly node: number;
  readonly sentMs: number;
  readonly doneMs: number;
  readonly outcome: RequestOutcome;
  /** Creates: the drill's own number for the instance (the `drillSeq` variable it carries). */
  readonly seq?: number;
  /** Creates that were acknowledged: the instance key; completes: the job's instance. */
  readonly key?: string;
}

/** One node's answer about the partitions' leaders, or null when it did not answer in time. */
export interface LeaderSample {
  readonly atMs: number;
  readonly node: number;
  readonly partitions: ReadonlyArray<{
    readonly partition: number;
    readonly leader: number | null;
    readonly owner: number;
    readonly recovering: boolean;
  }> | null;
}

export type DrillEventKind = 'fault' | 'heal' | 'converged' | 'gave-up' | 'interrupted';

export interface DrillEvent {
  readonly atMs: number;
  readonly kind: DrillEventKind;
  /** What was done, in words: `paused node 1`, `healed every link`. */
  readonly detail: string;
}

export interface DrillRecord {
  readonly nodes: number;
  readonly partitions: number;
  readonly requests: readonly RequestRecord[];
  readonly samples: readonly LeaderSample[];
  readonly events: readonly DrillEvent[];
}

/** What the checks after the heal found (ops/drill-checks.ts). */
export interface CheckFindings {
  /** One read by key of an acknowledged instance through one node. */
  readonly reads: ReadonlyArray<{
    readonly key: string;
    readonly node: number;
    readonly found: boolean;
    /** The instance has completed (its job was done); null when it could not be read. */
    readonly completed: boolean | null;
  }>;
  /** Every instance of the drill's process any node knows after the heal (unknown outcomes among them). */
  readonly foundKeys: readonly string[];
  /** Nodes that did not hold the drill's process definition. */
  readonly deploymentsMissingOn: readonly number[];
  /**
   * This run's instances the cluster holds, each with the `drillSeq` it carries (null: not read). A key
   * found is not proof enough: engine 0.0.22 was seen handing a lost instance's key out again, to a copy
   * of another create, so an acknowledged create counts as kept only if its key holds its own seq.
   */
  readonly instances?: ReadonlyArray<{ readonly key: string; readonly seq: number | null }>;
}
