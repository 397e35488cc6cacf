// One signal to one node proven ours, then a short wait until the OS shows the state it should cause:
// the kernel applies SIGSTOP, SIGCONT and SIGKILL asynchronously. Shared by pause/resume and drill.
import { UserError } from '../errors.js';
import type { CommandContext } from '../kit/context.js';
import { pollUntil } from '../os/poll.js';
import { statusOf, type ProcessStatus } from '../os/process-identity.js';
import type { NodeRecord } from '../state/cluster-state.js';

const SETTLE_MS = 2_000;

/** Sends `signal` (the caller has checked the node is ours and running), then waits for `target`. */
export async function signalAndSettle(
  ctx: Pick<CommandContext, 'effects'>,
  node: Pick<NodeRecord, 'id' | 'pid' | 'startTime'>,
  signal: NodeJS.Signals,
  target: ProcessStatus,
): Promise<void> {
  const { effects } = ctx;
  effects.signals.signal(node.pid, signal);
  let after: ProcessStatus | null = null;
  await pollUntil(
    async () => {
      after = await statusOf(effects.readProcess, node.pid, node.startTime);
      return after === target;
    },
    SETTLE_MS,
    effects,
  );
  if (after !== target)
    throw new UserError(`Node ${node.id} (pid ${node.pid}) did not become ${target} (it is ${after ?? 'unknown'}).`, {
      code: 'signal-failed',
    });
}
