// Drill results made up by hand, for the renderers' tests (terminal, HTML, the browser): a 3-node RF 3
// quorum cluster, a 20 s drill at 10 creates a second round-robin, node 1 (leader and owner of partition
// 1) paused from 3 s to 11 s. Built as a DrillRecord of every request and leader sample and turned into
// a DrillResult by the function `drill` uses (src/drill/result.ts), so strips, windows, errors and latency agree.
// Three endings: whole (partition 1 handed back at 12.5 s), lost (two acknowledged keys gone), and
// not-converged (partition 1 stays with node 2, as engine 0.0.22 does under quorum).
import type { CheckFindings, DrillEvent, LeaderSample, RequestRecord } from '../../src/drill/record.js';
import { drillResult as assemble } from '../../src/drill/result.js';
import type { DrillFinalDocument, DrillResult } from '../../src/results/drill.js';

export type DrillEnding = 'whole' | 'lost' | 'not-converged';

const NODES = 3;
const FAULT_MS = 3_000;
const HEAL_MS = 11_000;
const NEW_LEADER_MS = 5_500;
const HAND_BACK_MS = 12_500;
const CONVERGED_MS = 13_000;
const WORKLOAD_END_MS = 19_000;
const GAVE_UP_MS = 19_000;
const DURATION_MS = 20_000;
const DEADLINE_MS = 2_000;

/** Partition p's keys as the engine makes them: partition = (key >> 51) + 1. */
const keyOf = (partition: number, n: number): string => String((BigInt(partition - 1) << 51n) + BigInt(n));

/** A fixed pseudo-random latency (6–13 ms), the same on every run. */
const jitter = (i: number): number => 6 + ((i * 7919) % 8);

/** How a create sent at `t` through `node` to `partition` ends, under the fault and its aftermath. */
function createOutcome(
  ending: DrillEnding,
  t: number,
  node: number,
  partition: number,
  i: number,
): Omit<RequestRecord, 'op' | 'node' | 'sentMs' | 'seq'> {
  const paused = t >= FAULT_MS && t < HEAL_MS;
  if (node === 1 && paused)
    return t + DEADLINE_MS <= HEAL_MS
      ? { doneMs: t + DEADLINE_MS, outcome: { kind: 'timeout' } }
      : { doneMs: HEAL_MS + jitter(i) * 3, outcome: { kind: 'ok', status: 200 }, key: keyOf(partition, 1000 + i) };
  if (partition === 1 && t >= FAULT_MS && t < 4_200) return { doneMs: t + DEADLINE_MS, outcome: { kind: 'timeout' } };
  const displaced = ending === 'not-converged' ? t >= HEAL_MS : t >= HEAL_MS && t < HAND_BACK_MS;
  if (partition === 1 && ((t >= 4_200 && t < NEW_LEADER_MS) || displaced))
    return { doneMs: t + jitter(i), outcome: { kind: 'error', status: 500, message: 'Peer error' } };
  return { doneMs: t + jitter(i), outcome: { kind: 'ok', status: 200 }, key: keyOf(partition, 1000 + i) };
}

function requestsOf(ending: DrillEnding): RequestRecord[] {
  const requests: RequestRecord[] = [];
  for (let i = 0, t = 0; t < WORKLOAD_END_MS; i += 1, t += 100) {
    const node = i % NODES;
    const partition = (Math.floor(i / NODES) % NODES) + 1;
    requests.push({ op: 'create', node, sentMs: t, seq: i, ...createOutcome(ending, t, node, partition, i) });
  }
  // A worker polling every half second, round-robin: through the paused node it hangs to the deadline.
  for (let j = 0, t = 50; t < WORKLOAD_END_MS; j += 1, t += 500) {
    const node = j % NODES;
    const hangs = node === 1 && t >= FAULT_MS && t < HEAL_MS - DEADLINE_MS;
    requests.push({
      op: 'activate',
      node,
      sentMs: t,
      doneMs: hangs ? t + DEADLINE_MS : t + jitter(j),
      outcome: hangs ? { kind: 'timeout' } : { kind: 'ok', status: 200 },
    });
  }
  return requests.sort((a, b) => a.sentMs - b.sentMs);
}

/** Who leads partition 1 at `t` as the live nodes see it; partitions 2 and 3 stay with their owners. */
function samplesOf(ending: DrillEnding): LeaderSample[] {
  const samples: LeaderSample[] = [];
  for (let t = 0; t < DURATION_MS; t += 500)
    for (let node = 0; node < NODES; node += 1) {
      const frozen = node === 1 && t >= FAULT_MS && t < HEAL_MS;
      const lead1 = t < 5_000 ? 1 : t < NEW_LEADER_MS ? null : ending !== 'not-converged' && t >= HAND_BACK_MS ? 1 : 2;
      samples.push({
        atMs: t,
        node,
        partitions: frozen
          ? null
          : [
              { partition: 1, leader: lead1, owner: 1, recovering: lead1 !== 1 },
              { partition: 2, leader: 2, owner: 2, recovering: false },
              { partition: 3, leader: 0, owner: 0, recovering: false },
            ],
      });
    }
  return samples;
}

/** Every acknowledged key found through every node, but for the lost ones; half the unknown outcomes ran. */
function findingsOf(ending: DrillEnding, requests: readonly RequestRecord[]): CheckFindings {
  const acked = requests.filter((r) => r.op === 'create' && r.key !== undefined).map((r) => r.key!);
  const lost = ending === 'lost' ? new Set(acked.slice(40, 42)) : new Set<string>();
  const ran = requests
    .filter((r) => r.op === 'create' && r.outcome.kind === 'timeout' && (r.seq ?? 0) % 2 === 0)
    .map((r) => keyOf(3, 100_000 + (r.seq ?? 0)));
  // Displaced under quorum: reads by key of partition 1's instances answer 404 but through their owner.
  const readable = (key: string, node: number): boolean =>
    !lost.has(key) && !(ending === 'not-converged' && BigInt(key) >> 51n === 0n && node !== 1);
  return {
    reads: acked.flatMap((key) =>
      Array.from({ length: NODES }, (_, node) => ({
        key,
        node,
        found: readable(key, node),
        completed: readable(key, node) ? true : null,
      })),
    ),
    foundKeys: [...acked.filter((k) => !lost.has(k)), ...ran],
    deploymentsMissingOn: [],
  };
}

const FINAL: Record<DrillEnding, DrillFinalDocument> = {
  whole: { convergence: 'whole', displaced: [], recovering: [], leaderless: [] },
  lost: { convergence: 'whole', displaced: [], recovering: [], leaderless: [] },
  'not-converged': {
    convergence: 'displaced',
    displaced: [{ partition: 1, leader: 2, owner: 1 }],
    recovering: [1],
    leaderless: [],
  },
};

function eventsOf(ending: DrillEnding): DrillEvent[] {
  return [
    { atMs: FAULT_MS, kind: 'fault', detail: 'paused node 1 (SIGSTOP)' },
    { atMs: HEAL_MS, kind: 'heal', detail: 'resumed node 1 (SIGCONT)' },
    ending === 'not-converged'
      ? { atMs: GAVE_UP_MS, kind: 'gave-up', detail: 'partition 1 still led by node 2, its owner is node 1' }
      : { atMs: CONVERGED_MS, kind: 'converged', detail: 'every partition led by its owner, every node answering' },
  ];
}

/** The drill's result for one ending, put together by the same function `drill` uses. */
export function drillResult(ending: DrillEnding): DrillResult {
  const requests = requestsOf(ending);
  const findings = findingsOf(ending, requests);
  const record = { nodes: NODES, partitions: 3, requests, samples: samplesOf(ending), events: eventsOf(ending) };
  const acknowledged = requests.filter((r) => r.op === 'create' && r.outcome.kind === 'ok').length;
  const lost = ending === 'lost' ? 2 : 0;
  return assemble({
    record,
    findings,
    cluster: { nodes: NODES, partitions: 3, rf: 3, replication: 'quorum' },
    fault: {
      kind: 'pause',
      target: 'leader-of:1',
      node: 1,
      peer: null,
      mode: null,
      delayMs: null,
      ledPartitions: [1],
      startedAtMs: FAULT_MS,
      healedAtMs: HEAL_MS,
    },
    workload: {
      processId: 'c8ctl-nano-drill',
      jobType: 'c8ctl-nano-drill-work',
      ratePerSecond: 10,
      deadlineMs: DEADLINE_MS,
      jobsCompleted: acknowledged - lost,
    },
    withTask: true,
    final: FINAL[ending],
    convergedAtMs: ending === 'not-converged' ? null : CONVERGED_MS,
    durationMs: DURATION_MS,
    report: null,
  });
}
