// Who each node says leads each partition, sampled every 200 ms for the whole drill: the record behind
// detection time, new-leader times and the leader marks on the timeline. Every node is asked at once
// with a short deadline (a frozen node never answers); a round is stamped with its start time.
import { fetchLeadership } from '../cluster/observe-leaders.js';
import { ownerOf } from '../cluster/displacement.js';
import type { LeaderSample } from '../drill/record.js';
import type { Effects } from '../kit/context.js';

const EVERY_MS = 200;
const DEADLINE_MS = 500;

export interface LeaderObserver {
  readonly samples: readonly LeaderSample[];
  stop(): Promise<void>;
}

export function observeLeaders(
  effects: Pick<Effects, 'probe' | 'now' | 'sleep'>,
  nodes: ReadonlyArray<{ readonly id: number; readonly url: string }>,
  t0: number,
): LeaderObserver {
  const samples: LeaderSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const began = effects.now();
      const atMs = began - t0;
      const answers = await Promise.all(
        nodes.map(async (n) => ({ node: n.id, view: await fetchLeadership(effects.probe, n.url, DEADLINE_MS) })),
      );
      for (const { node, view } of answers)
        samples.push({
          atMs,
          node,
          partitions:
            view?.map((p) => ({
              partition: p.partition,
              leader: p.leader,
              owner: ownerOf(p, nodes.length),
              recovering: p.recovering,
            })) ?? null,
        });
      const left = EVERY_MS - (effects.now() - began);
      if (left > 0 && !stopped) await effects.sleep(left);
    }
  })();
  return {
    samples,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
