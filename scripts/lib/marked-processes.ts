// Finding and killing the processes a run started, shared by the test support and the benchmark. Each
// run gives what it spawns an environment marker, which the CLI passes on to the engines it starts, so
// /proc/<pid>/environ says whose a process is. A process is named by its PID and its start time: a PID
// freed and reused between the sweep and the kill keeps the number but not the start time, so nothing
// that is not ours is ever signalled. Linux only (/proc), like the suites that use it.
import { readdirSync, readFileSync } from 'node:fs';
import { parseProcStat } from '../../src/os/process-info.js';

/** The variable a run sets in the environment of everything it starts, and its value for this run. */
export interface Marker {
  readonly name: string;
  readonly value: string;
}

/** A process as it was seen: the same PID with another start time is another process. */
export interface ProcessIdentity {
  readonly pid: number;
  readonly startTime: string;
}

/** The PID's identity if it runs now (stopped counts, an unreaped zombie does not); null if gone. */
export function liveIdentity(pid: number): ProcessIdentity | null {
  try {
    const facts = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
    return facts === null || facts.state === 'zombie' ? null : { pid, startTime: facts.startTime };
  } catch {
    return null;
  }
}

export function isAlive(pid: number): boolean {
  return liveIdentity(pid) !== null;
}

/** The identity of a live process that carries the marker, else null (gone, a zombie, or not ours to read). */
export function markedIdentity(pid: number, marker: Marker): ProcessIdentity | null {
  // Identity first: if the PID is reused before the environment is read, the start time seen no longer
  // matches and killIdentity leaves the newcomer alone.
  const identity = liveIdentity(pid);
  if (identity === null) return null;
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    return environ.includes(`${marker.name}=${marker.value}\0`) ? identity : null;
  } catch {
    return null;
  }
}

/** Every live process but this one that carries the marker. */
export function markedProcesses(marker: Marker): ProcessIdentity[] {
  const found: ProcessIdentity[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const identity = markedIdentity(Number(entry), marker);
    if (identity !== null) found.push(identity);
  }
  return found;
}

/** SIGCONT then SIGKILL (a paused node too), only if the PID still has the start time seen. Returns whether it did. */
export function killIdentity(identity: ProcessIdentity): boolean {
  if (liveIdentity(identity.pid)?.startTime !== identity.startTime) return false;
  for (const signal of ['SIGCONT', 'SIGKILL'] as const) {
    try {
      process.kill(identity.pid, signal);
    } catch {
      // gone already
    }
  }
  return true;
}

/** Kills the PID if it is a live process carrying the marker; returns whether it did. */
export function killIfMarked(pid: number, marker: Marker): boolean {
  const identity = markedIdentity(pid, marker);
  return identity !== null && killIdentity(identity);
}

/** Kills every live process carrying the marker; returns the PIDs it killed. */
export function killMarked(marker: Marker): number[] {
  return markedProcesses(marker)
    .filter(killIdentity)
    .map((identity) => identity.pid);
}
