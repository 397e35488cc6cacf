// Waiting for a freshly spawned cluster. Four things race: the phases reaching readiness (every node
// answering, reaching its peers, and every partition having a leader), any node exiting (fail fast: no
// point waiting out the timeout), the deadline, and an interrupt. The probe and the clock are injected,
// the deadline's included. The phases are in readiness-phases.ts, the state they build in
// readiness-watch.ts.
import type { HttpProbe } from '../os/http-probe.js';
import { monotonicMs } from '../os/poll.js';
import { deadlineReached, untilReady, type Pacing, type Wait } from './readiness-phases.js';
import { ReadinessWatch, type Progress, type ReadyOutcome, type WaitingNode } from './readiness-watch.js';

export {
  DISPLACED_CONFIRM_MS,
  displacementWatch,
  KICK_INTERVAL_MS,
  pollInterval,
} from './readiness-phases.js';
export type { Progress, ReadyOutcome, RecoveringPartition, WaitingNode } from './readiness-watch.js';

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
  /** Clock for pacing the polls and the kicks and for the deadline, in ms; monotonicMs by default. */
  readonly now?: () => number;
  /**
   * The tier never gives a partition back to its owner (cluster/tiers.ts): leaders that come back
   * displaced and stay so for DISPLACED_CONFIRM_MS end the wait, instead of the timeout.
   */
  readonly displacementIsFinal?: boolean;
}

/** A promise that never settles: a racer that has nothing to say. */
const never = (): Promise<ReadyOutcome> => new Promise<ReadyOutcome>(() => undefined);

function interruption(signal: AbortSignal | undefined): Promise<ReadyOutcome> {
  return new Promise<ReadyOutcome>((resolve) => {
    if (signal?.aborted) resolve({ kind: 'interrupted' });
    signal?.addEventListener('abort', () => resolve({ kind: 'interrupted' }), { once: true });
  });
}

export async function waitForCluster(
  nodes: readonly WaitingNode[],
  timeoutMs: number,
  deps: ReadinessDeps,
): Promise<ReadyOutcome> {
  const done = new AbortController();
  const now = deps.now ?? monotonicMs;
  const pacing: Pacing = { now, sleep: deps.sleep, began: now(), loops: nodes.length + 1, stop: done.signal };
  const watch = new ReadinessWatch(nodes, deps.onProgress);
  const wait: Wait = {
    nodes,
    probe: deps.probe,
    pacing,
    watch,
    requireLeaders: deps.requireLeaders !== false,
    displacementIsFinal: deps.displacementIsFinal === true,
  };
  watch.report();
  const outcome = await Promise.race([
    untilReady(wait).then((ready) => ready ?? never()),
    ...nodes.map((node) => node.exit.then((exit) => watch.nodeExited(node.id, exit))),
    deadlineReached(pacing, timeoutMs).then((passed) => (passed ? watch.deadlinePassed() : never())),
    interruption(deps.interrupt),
  ]);
  done.abort();
  watch.end();
  return outcome;
}
