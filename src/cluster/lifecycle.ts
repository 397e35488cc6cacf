// Observing and stopping the tracked nodes; shared by start (--force, rollback), stop and status.
import type { ProcessReader } from '../os/process-info.js';
import { stopProcess, type StopDeps, type StopOutcome } from '../os/stop-process.js';
import type { FoundEngine } from '../os/find-engines.js';
import type { ClusterState, NodeRecord } from '../state/cluster-state.js';
import { UserError } from '../errors.js';
import { isOurs, statusOf, type ProcessStatus } from '../os/process-identity.js';

export interface ObservedNode {
  readonly record: NodeRecord;
  readonly process: ProcessStatus;
}

export async function observeProcesses(
  nodes: readonly NodeRecord[],
  readProcess: ProcessReader,
): Promise<ObservedNode[]> {
  return Promise.all(
    nodes.map(async (record) => ({ record, process: await statusOf(readProcess, record.pid, record.startTime) })),
  );
}

export function anyAlive(observed: readonly ObservedNode[]): boolean {
  return observed.some((n) => isOurs(n.process));
}

export interface NodeStopResult {
  readonly id: number;
  readonly pid: number;
  readonly outcome: StopOutcome;
  readonly ms: number;
}

/** Stops all nodes in parallel; each is identity-checked before every signal. */
export async function stopNodes(
  nodes: ReadonlyArray<Pick<NodeRecord, 'id' | 'pid' | 'startTime'>>,
  graceMs: number,
  deps: StopDeps,
): Promise<NodeStopResult[]> {
  return Promise.all(
    nodes.map(async (node) => {
      const began = deps.now();
      const outcome = await stopProcess(node.pid, node.startTime, graceMs, deps);
      return { id: node.id, pid: node.pid, outcome, ms: Math.round(deps.now() - began) };
    }),
  );
}

export function describeStop(result: NodeStopResult): string {
  const took = result.ms < 1000 ? `${result.ms} ms` : `${(result.ms / 1000).toFixed(1)} s`;
  switch (result.outcome) {
    case 'graceful':
      return `node ${result.id} (pid ${result.pid}) stopped gracefully in ${took}`;
    case 'forced':
      return `node ${result.id} (pid ${result.pid}) did not stop in time and was killed (SIGKILL)`;
    case 'not-running':
      return `node ${result.id} (pid ${result.pid}) was not running`;
    case 'stale':
      return `node ${result.id}: pid ${result.pid} now belongs to another process; left it alone (stale state)`;
    case 'failed':
      return `node ${result.id} (pid ${result.pid}) is still alive after SIGKILL`;
  }
}

/** Engines found by evidence that the state file does not track (same PID and start time). */
export function untracked(found: readonly FoundEngine[], state: ClusterState | null): FoundEngine[] {
  return found.filter((engine) => !state?.nodes.some((n) => n.pid === engine.pid && n.startTime === engine.startTime));
}

export function describeEngines(engines: readonly FoundEngine[]): string {
  return engines
    .map(
      (e) =>
        `pid ${e.pid}${e.nodeId !== null ? ` (node ${e.nodeId}${e.port !== null ? `, port ${e.port}` : ''})` : ''}`,
    )
    .join(', ');
}

export function untrackedError(engines: readonly FoundEngine[], prog: string, what: string): UserError {
  return new UserError(
    `${engines.length} engine process(es) of this home run without being tracked: ${describeEngines(engines)}. They use its data, so ${what} would clash with them.`,
    { code: 'untracked-engines', details: [`Stop them with "${prog} stop --force".`] },
  );
}
