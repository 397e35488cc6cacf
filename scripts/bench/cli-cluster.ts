// A cluster started with the CLI for a case that works against it (status, lost deployments, cooldown
// cost): started in its own home on free ports, its PIDs registered for cleanup, and always stopped,
// killed if need be, and its home deleted, however the case ends.
import path from 'node:path';
import { dropHome, newHome } from './homes.js';
import { freeBase } from './ports.js';
import { ensureQuiet, killOurs, registry } from './processes.js';
import { cli, describeRun, readStateNodes, waitGone, type Run, type StateNode } from './run-cli.js';

export interface CliCluster {
  readonly home: string;
  readonly base: number;
  readonly start: Run;
  readonly nodes: readonly StateNode[];
}

/**
 * With `defaultLayout`, the home is `<temp>/c8ctl-nano`: where the CLI looks by itself when
 * C8CTL_NANO_HOME is unset and XDG_DATA_HOME is `<temp>`.
 */
export async function withCliCluster<T>(
  label: string,
  nodes: number,
  extraEnv: Record<string, string>,
  use: (cluster: CliCluster) => Promise<T>,
  defaultLayout = false,
): Promise<T> {
  const temp = newHome();
  const home = defaultLayout ? path.join(temp, 'c8ctl-nano') : temp;
  try {
    const base = await freeBase(nodes);
    await ensureQuiet(label);
    const start = await cli(['start', String(nodes), '--port', String(base)], home, extraEnv);
    const started = readStateNodes(home);
    for (const n of started) registry.pids.add(n.pid);
    try {
      return await use({ home, base, start, nodes: started });
    } finally {
      const stop = await cli(['stop', '--purge'], home);
      const alive = await waitGone(
        started.map((n) => n.pid),
        2_000,
      );
      if (start.code === 0 && (stop.code !== 0 || alive.length > 0))
        process.stderr.write(`bench: stopping the ${label} cluster: ${describeRun(stop)}\n`);
      for (const pid of alive) killOurs(pid);
      for (const n of started) registry.pids.delete(n.pid);
    }
  } finally {
    dropHome(temp);
  }
}
