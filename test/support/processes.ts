// Finding and stopping every process a test started, by PID, even after a failed assertion.
// Each test home gets a marker variable; the CLI passes the user's environment through to the
// engines it spawns, so /proc/<pid>/environ names the test that owns a process. The sweep itself is
// shared with the benchmark (scripts/lib/marked-processes.ts).
import { killMarked as killMarkedBy, markedProcesses } from '../../scripts/lib/marked-processes.js';

export { isAlive } from '../../scripts/lib/marked-processes.js';

export const MARKER = 'C8CTL_NANO_TEST_OWNER';

export function processesWithMarker(value: string): number[] {
  return markedProcesses({ name: MARKER, value }).map((identity) => identity.pid);
}

/** Kills every live process of the test with this marker; returns their PIDs (none left: []). */
export function killMarked(value: string): number[] {
  return killMarkedBy({ name: MARKER, value });
}

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
