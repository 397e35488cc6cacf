// What a wait for a freshly spawned cluster has learned so far, and the outcomes it can end with. The
// phases (readiness-phases.ts) tell the watch each event, one method per event; the watch keeps the
// state, reports progress, and words the outcome when a node exits or the deadline passes.
import type { ProbeResult } from '../os/http-probe.js';
import type { NodeExit } from '../os/spawn-node.js';
import type { Displaced } from './displacement.js';
import type { PartitionLeadership } from './topology.js';

export interface WaitingNode {
  readonly id: number;
  readonly url: string;
  readonly exit: Promise<NodeExit>;
  /** What to ask and what counts as up; by default a Nano engine answering /v2/topology. */
  readonly probePath?: string;
  readonly isUp?: (answer: ProbeResult) => boolean;
}

export type Progress = {
  readonly up: number;
  readonly total: number;
  readonly leaderless: readonly number[] | null;
  /** Partitions that have a leader but still report `recovering` (not counted in `leaderless`). */
  readonly recovering: readonly RecoveringPartition[] | null;
  /** How many nodes have not yet reached all their peers. */
  readonly waitingForPeers: number;
};

export interface RecoveringPartition {
  readonly partition: number;
  readonly leader: number;
}

export type ReadyOutcome =
  | { readonly kind: 'ready'; readonly leadership: PartitionLeadership[] | null }
  | { readonly kind: 'exited'; readonly nodeId: number; readonly exit: NodeExit }
  /** Every partition has a live leader, but some not their owner, under a tier that never gives them back. */
  | { readonly kind: 'displaced'; readonly displaced: readonly Displaced[] }
  | {
      readonly kind: 'timeout';
      readonly notUp: readonly number[];
      readonly leaderless: readonly number[] | null;
      readonly recovering: readonly RecoveringPartition[] | null;
      readonly unreached: ReadonlyMap<number, readonly number[]>;
    }
  | { readonly kind: 'interrupted' };

/** The state of one wait: who answers, which partitions lack a settled leader, who misses which peers. */
export class ReadinessWatch {
  private readonly up = new Set<number>();
  private leaderless: number[] | null = null;
  private recovering: RecoveringPartition[] | null = null;
  private readonly unreached = new Map<number, number[]>();
  // Probes still in flight when the wait ends must not print progress over what comes next.
  private ended = false;

  constructor(
    private readonly nodes: readonly WaitingNode[],
    private readonly onProgress?: (progress: Progress) => void,
  ) {}

  /** A node answered as what it should be. */
  nodeAnswered(id: number): void {
    this.up.add(id);
    this.report();
  }

  /** A view of every partition's leader. */
  leadersSeen(partitions: readonly PartitionLeadership[]): void {
    this.leaderless = partitions.filter((p) => p.leader === null).map((p) => p.partition);
    this.recovering = partitions.flatMap((p) =>
      p.leader !== null && p.recovering ? [{ partition: p.partition, leader: p.leader }] : [],
    );
    this.report();
  }

  /** A node's metrics named the peers it has not reached yet (none: it reached them all). */
  peersSeen(id: number, missing: number[]): void {
    this.unreached.set(id, missing);
    this.report();
  }

  /** A node exited: no point waiting for the rest. */
  nodeExited(nodeId: number, exit: NodeExit): ReadyOutcome {
    return { kind: 'exited', nodeId, exit };
  }

  /** The deadline passed: what was still missing then. */
  deadlinePassed(): ReadyOutcome {
    return {
      kind: 'timeout',
      notUp: this.nodes.filter((n) => !this.up.has(n.id)).map((n) => n.id),
      leaderless: this.leaderless,
      recovering: this.recovering,
      unreached: new Map(this.unreached),
    };
  }

  /** The wait has its outcome: events still arriving report nothing. */
  end(): void {
    this.ended = true;
  }

  report(): void {
    if (this.ended) return;
    this.onProgress?.({
      up: this.up.size,
      total: this.nodes.length,
      leaderless: this.leaderless,
      recovering: this.recovering,
      waitingForPeers: [...this.unreached.values()].filter((m) => m.length > 0).length,
    });
  }
}
