// `start` over a running cluster is a statement of the desired state: what the user gave explicitly
// must match what runs; what they left out is not compared. Pure.
import type { ClusterShape } from '../shape.js';

/** The shape values given on the command line (undefined: not given, so not compared). */
export type GivenShape = { readonly [K in keyof ClusterShape]?: ClusterShape[K] | undefined } & {
  readonly networkFaults?: boolean | undefined;
};

/** Each given value the running cluster does not have, in words ("3 nodes (running: 1)"). */
export function shapeMismatches(
  given: GivenShape,
  running: ClusterShape & { readonly networkFaults?: boolean },
): string[] {
  const differs: string[] = [];
  const compare = <T>(asked: T | undefined, actual: T, words: (v: T) => string): void => {
    if (asked !== undefined && asked !== actual) differs.push(`${words(asked)} (running: ${words(actual)})`);
  };
  compare(given.nodes, running.nodes, (v) => `${v} node(s)`);
  compare(given.basePort, running.basePort, (v) => `port ${v}`);
  compare(given.partitions, running.partitions, (v) => `${v} partition(s)`);
  compare(given.rf, running.rf, (v) => `RF ${v}`);
  compare(given.raft, running.raft, (v) => `Raft ${v ? 'on' : 'off'}`);
  compare(given.replication, running.replication, (v) => `replication ${v}`);
  compare(given.capture, running.capture, (v) => `trace capture ${v ? 'on' : 'off'}`);
  compare(given.storage, running.storage, (v) => `storage ${v}`);
  compare(given.historyMax, running.historyMax, (v) => `history max ${v ?? 'engine default'}`);
  compare(given.console, running.console, (v) => `console ${v}`);
  compare(given.networkFaults, running.networkFaults === true, (v) => `network faults ${v ? 'on' : 'off'}`);
  return differs;
}
