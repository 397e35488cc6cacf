// Everything the bench starts is registered here and carries an env marker, so it is killed by PID
// (and found again by a /proc sweep) whatever happens: a normal end, an error, SIGINT/SIGTERM/SIGHUP.
// The sweep and the kill are shared with the test support (scripts/lib/marked-processes.ts): only a
// process that carries this run's marker, with the start time seen, is ever killed.
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { killIfMarked, killMarked, type Marker, markedProcesses } from '../lib/marked-processes.js';
import { MARKER, MARKER_VALUE } from './config.js';

export { isAlive } from '../lib/marked-processes.js';

const OURS: Marker = { name: MARKER, value: MARKER_VALUE };

export const registry = { pids: new Set<number>(), homes: new Set<string>() };

/** The PIDs of every live process of this run. */
export function ourProcesses(): number[] {
  return markedProcesses(OURS).map((identity) => identity.pid);
}

/** Kills the PID if it is still one of ours (the marker, the same start time); a reused PID is left alone. */
export function killOurs(pid: number): boolean {
  return killIfMarked(pid, OURS);
}

/** Kills every live process of this run; returns their PIDs. */
export function killAllOurs(): number[] {
  return killMarked(OURS);
}

export function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

let cleanedUp = false;
/** Synchronous, so it also works from the 'exit' event. Returns the PIDs that had to be killed. */
export function cleanupEverything(): number[] {
  if (cleanedUp) return [];
  cleanedUp = true;
  const killed = new Set<number>();
  for (const pid of registry.pids) if (killOurs(pid)) killed.add(pid);
  // A CLI killed mid-start may have spawned engines we have not registered yet: sweep twice.
  for (let round = 0; round < 2; round += 1) {
    for (const pid of killAllOurs()) killed.add(pid);
    sleepSync(100);
  }
  for (const home of registry.homes) rmSync(home, { recursive: true, force: true });
  registry.homes.clear();
  return [...killed];
}

/** Kills everything of ours however the bench ends: normally, on an error, or on a signal. */
export function installCleanup(): void {
  process.on('exit', () => {
    cleanupEverything();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping every process it started…\n`);
      cleanupEverything();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/** Before every measurement: nothing of ours may still run (it would also steal CPU). */
export const leaks: Array<{ before: string; pids: number[] }> = [];
export async function ensureQuiet(before: string): Promise<void> {
  const left = killAllOurs();
  if (left.length > 0) {
    leaks.push({ before, pids: left });
    process.stderr.write(`bench: warning: ${left.length} process(es) of ours still ran before ${before}; killed.\n`);
    await sleep(200);
  }
}
