// What a status means. Pure: from per-node observations to the cluster word and exit code.
import { EXIT } from '../errors.js';
import type { ProcessStatus } from '../os/process-identity.js';

/** `not-probed`: we did not ask, because the OS already told us (frozen, exited, or not ours). */
export type HttpStatus = 'answers' | 'timeout' | 'refused' | 'error' | 'not-probed';

export type ClusterWord = 'running' | 'degraded' | 'stopped';

export interface NodeObservation {
  readonly process: ProcessStatus;
  readonly http: HttpStatus;
}

/** Probe HTTP only for a process that runs: a frozen node would only make us wait for a timeout. */
export function shouldProbe(process: ProcessStatus): boolean {
  return process === 'running';
}

export function isHealthy(node: NodeObservation): boolean {
  return node.process === 'running' && node.http === 'answers';
}

export function clusterWord(nodes: readonly NodeObservation[]): ClusterWord {
  if (nodes.length > 0 && nodes.every(isHealthy)) return 'running';
  if (nodes.every((n) => n.process === 'exited' || n.process === 'stale')) return 'stopped';
  return 'degraded';
}

export function exitCodeFor(word: ClusterWord): number {
  return word === 'running' ? EXIT.ok : word === 'degraded' ? EXIT.degraded : EXIT.stopped;
}

export interface NodeFacts extends NodeObservation {
  readonly id: number;
}

/** Why a reported leader does not lead right now, or null when it is live (its process runs and answers). */
export function leaderProblem(leader: number | null, nodes: readonly NodeFacts[]): string | null {
  if (leader === null) return null;
  const node = nodes.find((n) => n.id === leader);
  if (!node) return `node ${leader} is not part of this cluster`;
  if (isHealthy(node)) return null;
  switch (node.process) {
    case 'frozen':
      return `node ${leader} is frozen`;
    case 'exited':
      return `node ${leader} has exited`;
    case 'stale':
      return `node ${leader}'s process is gone`;
    default:
      return `node ${leader} does not answer (${node.http})`;
  }
}
