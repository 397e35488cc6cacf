// What a launch has made so far, so that a failure undoes exactly that: the processes and the state
// file, and, when the environment is to blame (a full disk), the folders made and log lines written.
import { removeClusterState, type LinkProxyRecord, type NodeRecord } from '../state/cluster-state.js';
import { DiskUndo } from '../state/disk-undo.js';
import { stopLinkProxy } from '../links/supervise.js';
import type { CommandContext } from '../kit/context.js';
import { ROLLBACK_GRACE_MS, rollBack } from './spawning.js';

/** Filled in as the launch goes; until the nodes run and are recorded, no log holds anything worth keeping. */
export class LaunchUndo {
  readonly disk = new DiskUndo();
  records: readonly NodeRecord[] = [];
  linkProxy: LinkProxyRecord | undefined;

  constructor(private readonly ctx: CommandContext) {}

  /** Stops what runs and forgets the cluster; the logs stay, they tell why. */
  async processes(): Promise<void> {
    await rollBack(this.ctx, this.records);
    if (this.linkProxy) await stopLinkProxy(this.linkProxy, ROLLBACK_GRACE_MS, this.ctx.effects);
    await removeClusterState(this.ctx.layout.stateFile);
  }

  /** Everything, the directories made and the log lines written included. */
  async all(): Promise<void> {
    await this.processes();
    await this.disk.undo();
  }
}
