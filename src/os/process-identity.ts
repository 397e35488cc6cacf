// Is a recorded node still our process? Decided purely from what the OS reported; statusOf only adds
// the asking.
import type { ProcessFacts, ProcessReader } from './process-info.js';

/**
 * - running / frozen: the PID is alive and started when we recorded it, so it is our node.
 * - exited: no such PID any more, or only its unreaped corpse (a zombie answers kill(pid, 0)).
 * - stale: the PID is alive but belongs to another process (it was reused); never signal it.
 */
export type ProcessStatus = 'running' | 'frozen' | 'exited' | 'stale';

export function classifyProcess(recordedStartTime: string, facts: ProcessFacts | null): ProcessStatus {
  if (facts === null || facts.state === 'zombie') return 'exited';
  if (facts.startTime !== recordedStartTime) return 'stale';
  return facts.state === 'stopped' ? 'frozen' : 'running';
}

export async function statusOf(readProcess: ProcessReader, pid: number, startTime: string): Promise<ProcessStatus> {
  return classifyProcess(startTime, await readProcess(pid));
}

/** Why a process we recorded is not running, for messages. */
export function notRunningReason(status: 'exited' | 'stale', pid: number): string {
  return status === 'exited' ? 'its process has exited' : `pid ${pid} now belongs to another process`;
}

/** Only these may ever be signalled. */
export function isOurs(status: ProcessStatus): status is 'running' | 'frozen' {
  return status === 'running' || status === 'frozen';
}
