// Who led each partition over a drill, as the nodes reported it round by round: the changes (for the
// timeline), how soon after the fault a change was seen (detection), and when each partition the target
// led had a live new leader. A faulted node still calls itself leader (a frozen one says nothing, an
// isolated one keeps its term climbing), so from the fault on its own answer does not count. Pure.
import type { DrillResult } from '../results/drill.js';
import type { LeaderSample } from './record.js';

/** One round: per partition, the leader most answering nodes named (null: none, or nobody answered). */
interface Round {
  readonly atMs: number;
  readonly leaders: ReadonlyMap<number, number | null>;
}

export interface LeaderFaultWindow {
  readonly node: number | null;
  readonly fromMs: number | null;
  readonly toMs: number | null;
}

function rounds(samples: readonly LeaderSample[], fault: LeaderFaultWindow): Round[] {
  const byTime = new Map<number, LeaderSample[]>();
  for (const s of samples) byTime.set(s.atMs, [...(byTime.get(s.atMs) ?? []), s]);
  return [...byTime]
    .sort((a, b) => a[0] - b[0])
    .map(([atMs, group]) => {
      const faulted = fault.fromMs !== null && atMs >= fault.fromMs && (fault.toMs === null || atMs < fault.toMs);
      const voices = group.filter((s) => s.partitions !== null && !(faulted && s.node === fault.node));
      return { atMs, leaders: majorityLeaders(voices) };
    })
    .filter((r) => r.leaders.size > 0);
}

function majorityLeaders(voices: readonly LeaderSample[]): Map<number, number | null> {
  const votes = new Map<number, Map<number | null, number>>();
  for (const v of voices)
    for (const p of v.partitions ?? []) {
      const tally = votes.get(p.partition) ?? new Map<number | null, number>();
      tally.set(p.leader, (tally.get(p.leader) ?? 0) + 1);
      votes.set(p.partition, tally);
    }
  const leaders = new Map<number, number | null>();
  for (const [partition, tally] of votes)
    leaders.set(partition, [...tally].sort((a, b) => b[1] - a[1] || (a[0] ?? -1) - (b[0] ?? -1))[0]![0]);
  return leaders;
}

export function leaderChanges(
  samples: readonly LeaderSample[],
  fault: LeaderFaultWindow,
): DrillResult['timeline']['leaderChanges'] {
  const changes: Array<DrillResult['timeline']['leaderChanges'][number]> = [];
  let previous: ReadonlyMap<number, number | null> | null = null;
  for (const round of rounds(samples, fault)) {
    if (previous)
      for (const [partition, to] of round.leaders) {
        const from = previous.get(partition);
        if (from !== undefined && from !== to) changes.push({ atMs: round.atMs, partition, from, to });
      }
    previous = round.leaders;
  }
  return changes;
}

/** From the fault to the first leader change seen, or null. */
export function detectionMs(
  changes: DrillResult['timeline']['leaderChanges'],
  faultAtMs: number | null,
): number | null {
  if (faultAtMs === null) return null;
  const first = changes.find((c) => c.atMs >= faultAtMs);
  return first ? Math.round(first.atMs - faultAtMs) : null;
}

/** Per partition the target led: from the fault to the first round naming a live other leader. */
export function newLeaders(
  samples: readonly LeaderSample[],
  fault: LeaderFaultWindow,
  ledPartitions: readonly number[],
): DrillResult['timings']['newLeader'] {
  const after = fault.fromMs === null ? [] : rounds(samples, fault).filter((r) => r.atMs >= fault.fromMs!);
  return ledPartitions.map((partition) => {
    const round = after.find((r) => {
      const leader = r.leaders.get(partition);
      return leader !== undefined && leader !== null && leader !== fault.node;
    });
    return round
      ? { partition, leader: round.leaders.get(partition) ?? null, ms: Math.round(round.atMs - fault.fromMs!) }
      : { partition, leader: null, ms: null };
  });
}
