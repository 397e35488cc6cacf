// An exited link proxy started again on the same ports (the running nodes keep dialling them),
// recorded in the state and said. Shared by `heal` (with the table it is about to apply) and by `start`
// on a running cluster (no faults).
import type { FaultTable } from '../links/faults.js';
import { startLinkProxy } from '../links/supervise.js';
import type { CommandContext } from '../kit/context.js';
import { writeClusterState, type ClusterState, type LinkProxyRecord } from '../state/cluster-state.js';

export async function restartLinkProxy(
  ctx: CommandContext,
  state: ClusterState,
  exited: LinkProxyRecord,
  faults?: FaultTable,
): Promise<{ readonly state: ClusterState; readonly proxy: LinkProxyRecord }> {
  const { layout, effects } = ctx;
  const proxy = await startLinkProxy(
    {
      home: layout.home,
      ...layout.linkProxy,
      env: ctx.env,
      ports: state.nodes.map((n) => n.port),
      previous: exited.links,
      faults,
    },
    effects,
  );
  const updated = { ...state, linkProxy: proxy };
  await writeClusterState(layout.stateFile, updated);
  ctx.out.info(`The link proxy had exited; it runs again (pid ${proxy.pid}) on the same ports.`);
  return { state: updated, proxy };
}
