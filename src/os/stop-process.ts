// Stops one verified process and its children: SIGCONT if frozen, SIGTERM to the tree, SIGKILL to the
// tree after the grace period, then confirm it is gone. Identity is re-checked before every signal,
// so a PID that has been reused is never touched.
import { isOurs, statusOf, type ProcessStatus } from './process-identity.js';
import { pollUntil } from './poll.js';
import type { ProcessReader } from './process-info.js';

export type StopOutcome =
  /** Exited within the grace period after SIGTERM. */
  | 'graceful'
  /** Needed SIGKILL. */
  | 'forced'
  /** Was not running when we came to stop it. */
  | 'not-running'
  /** The PID belongs to some other process now; left alone. */
  | 'stale'
  /** Still alive after SIGKILL: something is badly wrong. */
  | 'failed';

export interface Signals {
  /** Signal a whole process tree. */
  signalTree(pid: number, signal: NodeJS.Signals): Promise<void>;
  /** Signal one process. */
  signal(pid: number, signal: NodeJS.Signals): void;
}

/**
 * Our engines are spawned detached, so each leads its own process group: on POSIX one group signal
 * reaches the node and anything it started, atomically and without listing processes. A process that
 * leads no group (found by evidence, say), and Windows, get tree-kill, which walks the tree with ps or
 * taskkill.
 */
export const realSignals: Signals = {
  signalTree: async (pid, signal) => {
    if (process.platform !== 'win32') {
      try {
        process.kill(-pid, signal);
        return;
      } catch {
        // no group led by this pid: walk the tree instead
      }
    }
    const { default: treeKill } = await import('tree-kill');
    await new Promise<void>((resolve) => {
      // tree-kill reports an error when the process vanished meanwhile; that is the outcome we want.
      treeKill(pid, signal, () => resolve());
    });
  },
  signal: (pid, signal) => {
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  },
};

export interface StopDeps {
  readonly readProcess: ProcessReader;
  readonly signals: Signals;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

const KILL_CONFIRM_MS = 5_000;

export async function stopProcess(
  pid: number,
  startTime: string,
  graceMs: number,
  deps: StopDeps,
): Promise<StopOutcome> {
  const status = (): Promise<ProcessStatus> => statusOf(deps.readProcess, pid, startTime);

  const initial = await status();
  if (initial === 'exited') return 'not-running';
  if (initial === 'stale') return 'stale';
  // A frozen process cannot act on SIGTERM; wake it so it can shut down cleanly.
  if (initial === 'frozen') deps.signals.signal(pid, 'SIGCONT');

  const waitGone = async (ms: number): Promise<boolean> => pollUntil(async () => !isOurs(await status()), ms, deps);

  await deps.signals.signalTree(pid, 'SIGTERM');
  if (await waitGone(graceMs)) return 'graceful';
  if (!isOurs(await status())) return 'graceful';
  await deps.signals.signalTree(pid, 'SIGKILL');
  return (await waitGone(KILL_CONFIRM_MS)) ? 'forced' : 'failed';
}
