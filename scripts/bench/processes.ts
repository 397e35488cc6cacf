// Everything the bench starts is registered here and carries an env marker, so it is killed by PID
// (and found again by a /proc sweep) whatever happens: a normal end, an error, SIGINT/SIGTERM/SIGHUP.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { MARKER, MARKER_VALUE } from './config.js';

export const registry = { pids: new Set<number>(), homes: new Set<string>() };

export function hasMarker(pid: number): boolean {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && environ.includes(`${MARKER}=${MARKER_VALUE}\0`);
  } catch {
    return false;
  }
}

export function markedProcesses(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    if (hasMarker(Number(entry))) pids.push(Number(entry));
  }
  return pids;
}

export function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

export function killHard(pid: number): void {
  kill(pid, 'SIGCONT');
  kill(pid, 'SIGKILL');
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
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
  for (const pid of registry.pids) {
    if (hasMarker(pid)) {
      killHard(pid);
      killed.add(pid);
    }
  }
  // A CLI killed mid-start may have spawned engines we have not registered yet: sweep twice.
  for (let round = 0; round < 2; round += 1) {
    for (const pid of markedProcesses()) {
      killHard(pid);
      killed.add(pid);
    }
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
  const left = markedProcesses();
  if (left.length > 0) {
    leaks.push({ before, pids: left });
    process.stderr.write(`bench: warning: ${left.length} process(es) of ours still ran before ${before}; killed.\n`);
    for (const pid of left) killHard(pid);
    await sleep(200);
  }
}
