// The phases of a wait for a freshly spawned cluster: every node answers; then every node reaches its
// peers (nudged by kicks) while every partition gets a leader all nodes agree on. Each phase polls on
// the injected clock, at a pace that starts fast, and tells the watch what it sees. The deadline runs
// on the same clock, so a test can drive the whole wait with a fake one.
import type { HttpProbe, ProbeResult } from '../os/http-probe.js';
import { displacedPartitions, type Displaced } from './displacement.js';
import { assumedOwners, kickPaths, unreachedPeers, type PartitionOwner } from './peers.js';
import type { ReadinessWatch, ReadyOutcome, WaitingNode } from './readiness-watch.js';
import {
  identifyProduct,
  leadersAgree,
  leadershipSettled,
  readLeadership,
  type PartitionLeadership,
} from './topology.js';

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

/** The clock of one wait and how many loops poll on it. */
export interface Pacing {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly began: number;
  /** One loop per node, and one more for the leaders once every node answers. */
  readonly loops: number;
  /** Aborted once the wait has its outcome: every loop stops at its next turn. */
  readonly stop: AbortSignal;
}

/** One wait: its nodes, how to ask them, its clock, and the watch that hears what the phases see. */
export interface Wait {
  readonly nodes: readonly WaitingNode[];
  readonly probe: HttpProbe;
  readonly pacing: Pacing;
  readonly watch: ReadinessWatch;
  readonly requireLeaders: boolean;
  readonly displacementIsFinal: boolean;
}

/** Asks `attempt` until it finds something or the wait ends (then undefined). */
async function pollFor<T>(pacing: Pacing, attempt: () => Promise<T | undefined>): Promise<T | undefined> {
  while (!pacing.stop.aborted) {
    const value = await attempt();
    if (value !== undefined) return value;
    await pacing.sleep(pollInterval(pacing.now() - pacing.began, pacing.loops));
  }
  return undefined;
}

/** True once `timeoutMs` have passed on the wait's clock; false when the wait ended first. */
export async function deadlineReached(pacing: Pacing, timeoutMs: number): Promise<boolean> {
  while (!pacing.stop.aborted) {
    const elapsed = pacing.now() - pacing.began;
    if (elapsed >= timeoutMs) return true;
    // Short naps, not one long one: a pending timer would keep the process alive after the wait.
    await pacing.sleep(Math.min(timeoutMs - elapsed, pollInterval(elapsed, pacing.loops)));
  }
  return false;
}

const nanoAnswers = (answer: ProbeResult): boolean =>
  answer.kind === 'answers' && answer.status < 300 && identifyProduct(answer.body).kind === 'nano';

/** Phase one: true once every node answers as what it should be. */
async function everyNodeAnswers(wait: Wait): Promise<boolean> {
  const answered = await Promise.all(
    wait.nodes.map((node) =>
      pollFor(wait.pacing, async () => {
        const answer = await wait.probe.getJson(`${node.url}${node.probePath ?? '/v2/topology'}`, REQUEST_TIMEOUT_MS);
        // Only our engine counts: something else answering on the port is not readiness.
        if (!(node.isUp ?? nanoAnswers)(answer)) return undefined;
        wait.watch.nodeAnswered(node.id);
        return true;
      }),
    ),
  );
  return answered.every((a) => a === true);
}

/** A node's view of the leaders: null when it has none to give yet. */
function leadershipOf(answer: ProbeResult): PartitionLeadership[] | null {
  return answer.kind === 'answers' && answer.status < 300 ? readLeadership(answer.body) : null;
}

const consoleTopology = (wait: Wait, url: string): Promise<ProbeResult> =>
  wait.probe.getJson(`${url}/console/api/topology`, REQUEST_TIMEOUT_MS);

/** Whether every other node also sees every partition settled, with the same leaders as `first`. */
async function othersAgree(wait: Wait, first: PartitionLeadership[]): Promise<boolean> {
  const others = await Promise.all(wait.nodes.slice(1).map((node) => consoleTopology(wait, node.url)));
  const views = others.map(leadershipOf);
  return (
    views.every((v): v is PartitionLeadership[] => v !== null && leadershipSettled(v)) &&
    leadersAgree([first, ...views])
  );
}

type Leadership = PartitionLeadership[] | null | { readonly displaced: Displaced[] };

// Every node's view, not one: after a start on kept data a replica may not know its leaders yet for
// a few hundred ms, and a request through it then fails.
function leadersSettled(wait: Wait): Promise<Leadership | undefined> {
  const displacedFor = wait.displacementIsFinal
    ? displacementWatch(wait.nodes.length, wait.pacing.now)
    : () => undefined;
  return pollFor(wait.pacing, async (): Promise<Leadership | undefined> => {
    // The first node's view until it is settled, then the others' (one request per poll meanwhile).
    const first = await consoleTopology(wait, wait.nodes[0]!.url);
    if (first.kind !== 'answers') return undefined;
    // No console (turned off, or an engine without it): /v2/topology answering is all we can know.
    if (first.status === 404) return null;
    const partitions = leadershipOf(first);
    if (partitions === null) return undefined;
    wait.watch.leadersSeen(partitions);
    if (leadershipSettled(partitions)) return (await othersAgree(wait, partitions)) ? partitions : undefined;
    const displaced = displacedFor(partitions);
    return displaced ? { displaced } : undefined;
  });
}

/**
 * Read-only GETs of unused keys, through a node, towards each peer it has not reached
 * (docs/engine-behaviour.md, "Boot").
 */
class Kicker {
  private readonly lastKick = new Map<number, number>();
  private owners: Promise<PartitionOwner[] | null> | undefined;

  constructor(private readonly wait: Wait) {}

  async kick(node: WaitingNode, missing: readonly number[]): Promise<void> {
    const { now } = this.wait.pacing;
    const last = this.lastKick.get(node.id);
    if (last !== undefined && now() - last < KICK_INTERVAL_MS) return;
    this.lastKick.set(node.id, now());
    const partitions = await this.partitionOwners(node.url);
    // Only a useful answer is kept; a failed or empty one is asked again at the next kick.
    if (partitions === null || partitions.length === 0) {
      this.owners = undefined;
      return;
    }
    await Promise.all(
      kickPaths(missing, partitions).map((p) => this.wait.probe.getJson(`${node.url}${p}`, REQUEST_TIMEOUT_MS)),
    );
  }

  private partitionOwners(url: string): Promise<PartitionOwner[] | null> {
    this.owners ??= consoleTopology(this.wait, url).then((a) =>
      a.kind === 'answers' && a.status === 404 ? assumedOwners(this.wait.nodes.map((n) => n.id)) : leadershipOf(a),
    );
    return this.owners;
  }
}

/** Phase two, beside the leaders: true once every node has reached every peer. */
async function everyPeerReached(wait: Wait): Promise<boolean> {
  const ids = wait.nodes.map((n) => n.id);
  const kicker = new Kicker(wait);
  const reached = await Promise.all(
    wait.nodes.map((node) =>
      pollFor(wait.pacing, async () => {
        if (ids.length < 2) return true;
        const answer = await wait.probe.getJson(`${node.url}/metrics`, REQUEST_TIMEOUT_MS);
        // No metrics endpoint (turned off, or another engine): nothing to wait for.
        if (answer.kind === 'answers' && answer.status === 404) return true;
        if (answer.kind !== 'answers' || answer.status >= 300 || typeof answer.body !== 'string') return undefined;
        const missing = unreachedPeers(answer.body, node.id, ids);
        wait.watch.peersSeen(node.id, missing);
        if (missing.length === 0) return true;
        await kicker.kick(node, missing);
        return undefined;
      }),
    ),
  );
  return reached.every((r) => r === true);
}

/** The phases in order: the ready (or displaced) outcome, or undefined when the wait ended first. */
export async function untilReady(wait: Wait): Promise<ReadyOutcome | undefined> {
  if (!(await everyNodeAnswers(wait))) return undefined;
  if (!wait.requireLeaders) return { kind: 'ready', leadership: null };
  const [reached, leadership] = await Promise.all([everyPeerReached(wait), leadersSettled(wait)]);
  if (!reached || leadership === undefined) return undefined;
  if (leadership !== null && 'displaced' in leadership) return { kind: 'displaced', displaced: leadership.displaced };
  return { kind: 'ready', leadership };
}
