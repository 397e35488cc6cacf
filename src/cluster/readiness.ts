// Waiting for a freshly spawned cluster. Three things race: every node answering and every partition
// having a leader (ready), any node exiting (fail fast: no point waiting out the timeout), and the
// timeout itself. The probe and clock are injected.
import type { HttpProbe, ProbeResult } from '../os/http-probe.js';
import { monotonicMs } from '../os/poll.js';
import type { NodeExit } from '../os/spawn-node.js';
import { assumedOwners, kickPaths, unreachedPeers, type PartitionOwner } from './peers.js';
import {
  identifyProduct,
  leadersAgree,
  leadershipSettled,
  readLeadership,
  type PartitionLeadership,
} from './topology.js';
import { displacedPartitions, type Displaced } from './displacement.js';

export interface WaitingNode {
  readonly id: number;
  readonly url: string;
  readonly exit: Promise<NodeExit>;
  /** What to ask and what counts as up; by default a Nano engine answering /v2/topology. */
  readonly probePath?: string;
  readonly isUp?: (answer: ProbeResult) => boolean;
}

const nanoAnswers = (answer: ProbeResult): boolean =>
  answer.kind === 'answers' && answer.status < 300 && identifyProduct(answer.body).kind === 'nano';

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

export interface ReadinessDeps {
  readonly probe: HttpProbe;
  readonly sleep: (ms: number) => Promise<void>;
  readonly onProgress?: (progress: Progress) => void;
  /** Aborts the wait (Ctrl-C). */
  readonly interrupt?: AbortSignal;
  /**
   * Also wait until every node has reached every peer and every partition has a leader (default). A
   * single rejoining node, or a server that is not an engine, waits only to answer.
   */
  readonly requireLeaders?: boolean;
  /** Clock for pacing the polls and the kicks, in ms; monotonicMs by default. */
  readonly now?: () => number;
  /**
   * The tier never gives a partition back to its owner (cluster/tiers.ts): leaders that come back
   * displaced and stay so for DISPLACED_CONFIRM_MS end the wait, instead of the timeout.
   */
  readonly displacementIsFinal?: boolean;
}

// Kept data restores its leaders at once (same term, no election), so a displacement seen this long
// with nothing moving is the state the cluster will stay in.
export const DISPLACED_CONFIRM_MS = 1_500;

/** Feeds successive views of the leaders; answers the displacement once it has held still long enough. */
export function displacementWatch(
  nodes: number,
  now: () => number,
): (partitions: readonly PartitionLeadership[]) => Displaced[] | undefined {
  let seen: { readonly key: string; readonly since: number } | undefined;
  return (partitions) => {
    const displaced = partitions.every((p) => p.leader !== null) ? displacedPartitions(partitions, nodes) : [];
    if (displaced.length === 0) {
      seen = undefined;
      return undefined;
    }
    const key = JSON.stringify(partitions.map((p) => [p.leader, p.term]));
    if (seen?.key !== key) seen = { key, since: now() };
    return now() - seen.since >= DISPLACED_CONFIRM_MS ? displaced : undefined;
  };
}

const REQUEST_TIMEOUT_MS = 500;
// A small cluster is ready 70-100 ms after its spawn, and each phase of the wait (answering, then
// peers and leaders) loses half a poll interval on average: poll often while readiness is likely,
// about one probe per millisecond in all (a loopback probe costs well under one), then every 20 ms.
const FAST_PHASE_MS = 300;
const MAX_POLL_MS = 20;

/** The pause between two probes of one loop, `elapsed` ms into the wait, with `loops` polling alongside. */
export function pollInterval(elapsed: number, loops: number): number {
  return elapsed < FAST_PHASE_MS ? Math.min(Math.max(3, loops), MAX_POLL_MS) : MAX_POLL_MS;
}

// A node still missing a peer is asked to re-dial it at most this often: enough to close a breaker
// soon after its cooldown, gentle on a node that is busy booting.
export const KICK_INTERVAL_MS = 40;

export async function waitForCluster(
  nodes: readonly WaitingNode[],
  timeoutMs: number,
  deps: ReadinessDeps,
): Promise<ReadyOutcome> {
  const done = new AbortController();
  const up = new Set<number>();
  let leaderless: number[] | null = null;
  let recovering: RecoveringPartition[] | null = null;
  const unreached = new Map<number, number[]>();
  const waitingForPeers = (): number => [...unreached.values()].filter((m) => m.length > 0).length;
  const report = (): void =>
    deps.onProgress?.({ up: up.size, total: nodes.length, leaderless, recovering, waitingForPeers: waitingForPeers() });

  const now = deps.now ?? monotonicMs;
  const began = now();
  // One loop per node, and one more for the leaders once every node answers.
  const loops = nodes.length + 1;
  const poll = async <T>(attempt: () => Promise<T | undefined>): Promise<T | undefined> => {
    while (!done.signal.aborted) {
      const value = await attempt();
      if (value !== undefined) return value;
      await deps.sleep(pollInterval(now() - began, loops));
    }
    return undefined;
  };

  const nodeUp = (node: WaitingNode): Promise<true | undefined> =>
    poll(async () => {
      const answer = await deps.probe.getJson(`${node.url}${node.probePath ?? '/v2/topology'}`, REQUEST_TIMEOUT_MS);
      // Only our engine counts: something else answering on the port is not readiness.
      if ((node.isUp ?? nanoAnswers)(answer)) {
        up.add(node.id);
        report();
        return true;
      }
      return undefined;
    });

  const displacedFor = deps.displacementIsFinal ? displacementWatch(nodes.length, now) : () => undefined;
  // Every node's view, not one: after a start on kept data a replica may not know its leaders yet for
  // a few hundred ms, and a request through it then fails.
  const leadersSettled = (
    urls: readonly string[],
  ): Promise<PartitionLeadership[] | null | { displaced: Displaced[] } | undefined> =>
    poll(async () => {
      // The first node's view until it is settled, then the others' (one request per poll meanwhile).
      const first = await deps.probe.getJson(`${urls[0]}/console/api/topology`, REQUEST_TIMEOUT_MS);
      if (first.kind !== 'answers') return undefined;
      // No console (turned off, or an engine without it): /v2/topology answering is all we can know.
      if (first.status === 404) return null;
      const partitions = first.status < 300 ? readLeadership(first.body) : null;
      if (partitions === null) return undefined;
      leaderless = partitions.filter((p) => p.leader === null).map((p) => p.partition);
      recovering = partitions.flatMap((p) =>
        p.leader !== null && p.recovering ? [{ partition: p.partition, leader: p.leader }] : [],
      );
      report();
      if (leadershipSettled(partitions)) {
        const others = await Promise.all(
          urls.slice(1).map((url) => deps.probe.getJson(`${url}/console/api/topology`, REQUEST_TIMEOUT_MS)),
        );
        const views = others.map((a) => (a.kind === 'answers' && a.status < 300 ? readLeadership(a.body) : null));
        if (
          views.every((v): v is PartitionLeadership[] => v !== null && leadershipSettled(v)) &&
          leadersAgree([partitions, ...views])
        )
          return partitions;
        return undefined;
      }
      const displaced = displacedFor(partitions);
      return displaced ? { displaced } : undefined;
    });

  const lastKick = new Map<number, number>();
  let owners: Promise<PartitionOwner[] | null> | undefined;
  const partitionOwners = (url: string): Promise<PartitionOwner[] | null> =>
    (owners ??= deps.probe.getJson(`${url}/console/api/topology`, REQUEST_TIMEOUT_MS).then((a) => {
      if (a.kind === 'answers' && a.status === 404) return assumedOwners(nodes.map((n) => n.id));
      return a.kind === 'answers' && a.status < 300 ? readLeadership(a.body) : null;
    }));
  /** Read-only GETs of unused keys, through `node`, towards each peer it has not reached (engine.md, "Boot"). */
  const kick = async (node: WaitingNode, missing: readonly number[]): Promise<void> => {
    const last = lastKick.get(node.id);
    if (last !== undefined && now() - last < KICK_INTERVAL_MS) return;
    lastKick.set(node.id, now());
    const partitions = await partitionOwners(node.url);
    // Only a useful answer is kept; a failed or empty one is asked again at the next kick.
    if (partitions === null || partitions.length === 0) {
      owners = undefined;
      return;
    }
    await Promise.all(
      kickPaths(missing, partitions).map((p) => deps.probe.getJson(`${node.url}${p}`, REQUEST_TIMEOUT_MS)),
    );
  };

  const peersReached = (node: WaitingNode, ids: readonly number[]): Promise<true | undefined> =>
    poll(async () => {
      if (ids.length < 2) return true;
      const answer = await deps.probe.getJson(`${node.url}/metrics`, REQUEST_TIMEOUT_MS);
      // No metrics endpoint (turned off, or another engine): nothing to wait for.
      if (answer.kind === 'answers' && answer.status === 404) return true;
      if (answer.kind !== 'answers' || answer.status >= 300 || typeof answer.body !== 'string') return undefined;
      const missing = unreachedPeers(answer.body, node.id, ids);
      unreached.set(node.id, missing);
      report();
      if (missing.length === 0) return true;
      await kick(node, missing);
      return undefined;
    });

  const ready = (async (): Promise<ReadyOutcome | undefined> => {
    const answered = await Promise.all(nodes.map(nodeUp));
    if (answered.some((a) => a === undefined)) return undefined;
    if (deps.requireLeaders === false) return { kind: 'ready', leadership: null };
    const ids = nodes.map((n) => n.id);
    const [reached, leadership] = await Promise.all([
      Promise.all(nodes.map((n) => peersReached(n, ids))),
      leadersSettled(nodes.map((n) => n.url)),
    ]);
    if (reached.some((r) => r === undefined) || leadership === undefined) return undefined;
    if (leadership !== null && 'displaced' in leadership) return { kind: 'displaced', displaced: leadership.displaced };
    return { kind: 'ready', leadership };
  })();

  const exited = Promise.race(
    nodes.map((n) => n.exit.then((exit): ReadyOutcome => ({ kind: 'exited', nodeId: n.id, exit }))),
  );

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<ReadyOutcome>((resolve) => {
    timer = setTimeout(() => {
      resolve({
        kind: 'timeout',
        notUp: nodes.filter((n) => !up.has(n.id)).map((n) => n.id),
        leaderless,
        recovering,
        unreached,
      });
    }, timeoutMs);
  });

  const interrupted = new Promise<ReadyOutcome>((resolve) => {
    if (deps.interrupt?.aborted) resolve({ kind: 'interrupted' });
    deps.interrupt?.addEventListener('abort', () => resolve({ kind: 'interrupted' }), { once: true });
  });

  report();
  const outcome = await Promise.race([
    ready.then((r) => r ?? new Promise<ReadyOutcome>(() => undefined)),
    exited,
    timedOut,
    interrupted,
  ]);
  done.abort();
  clearTimeout(timer);
  return outcome;
}
