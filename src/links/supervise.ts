// The CLI's side of the link proxy: start it (its plan in, its bound ports back), stop it by identity,
// hand it a fault table and wait until it applied it. The proxy is a tracked process like a node: a
// PID with its start time, stopped with the cluster, never signalled unless it is provably ours.
import { mkdirSync, rmSync } from 'node:fs';
import { UserError } from '../errors.js';
import { LINK_PROXY_MARK, MANAGED_BY } from '../markers.js';
import type { ProcessReader } from '../os/process-info.js';
import type { SpawnRequest, SpawnedProcess } from '../os/spawn-node.js';
import { stopProcess, type StopDeps, type StopOutcome } from '../os/stop-process.js';
import { packageScript } from '../package-files.js';
import type { LinkProxyRecord } from '../state/cluster-state.js';
import {
  CONTROL_FILES,
  parseFaults,
  readControlText,
  readApplied,
  readFailed,
  readReady,
  waitForApplied,
  writeFaultTable,
  writeJsonAtomic,
  type AppliedDocument,
} from './control-files.js';
import { NO_FAULTS, type FaultTable } from './faults.js';
import type { LinkPlan } from './link-plan.js';

export const PROXY_SCRIPT = 'link-proxy.cjs';
const READY_TIMEOUT_MS = 5_000;
const APPLY_TIMEOUT_MS = 3_000;
const POLL_MS = 10;

export interface SuperviseDeps extends StopDeps {
  readonly spawnNode: (request: SpawnRequest) => Promise<SpawnedProcess>;
  readonly readProcess: ProcessReader;
}

export interface ProxyLaunch {
  readonly home: string;
  readonly controlDir: string;
  readonly log: string;
  /** The user's environment, passed on (minus nothing: the proxy reads none of it but our marks). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Node count, and each node's own port: one link per ordered pair. */
  readonly ports: readonly number[];
  /** Ports to bind again (a proxy brought back while nodes run keep dialling them); else any free port. */
  readonly previous?: LinkProxyRecord['links'] | undefined;
  /** The table to start with; none means no faults. */
  readonly faults?: FaultTable | undefined;
}

export function linkPlan(ports: readonly number[], previous: LinkProxyRecord['links'] | undefined): LinkPlan {
  const links = ports.flatMap((_, from) =>
    ports.flatMap((targetPort, to) =>
      from === to
        ? []
        : [{ from, to, targetPort, port: previous?.find((l) => l.from === from && l.to === to)?.port ?? 0 }],
    ),
  );
  return { host: '127.0.0.1', links };
}

/** Starts the proxy and waits until every link listens; refuses in one line when it cannot. */
export async function startLinkProxy(launch: ProxyLaunch, deps: SuperviseDeps): Promise<LinkProxyRecord> {
  const script = packageScript(PROXY_SCRIPT);
  if (script === undefined)
    throw new UserError(
      `The link proxy program (dist/src/${PROXY_SCRIPT}) is missing from this installation; reinstall the plugin, or start without --network-faults.`,
      { code: 'link-proxy-missing' },
    );
  mkdirSync(launch.controlDir, { recursive: true, mode: 0o700 });
  for (const name of [CONTROL_FILES.ready, CONTROL_FILES.failed, CONTROL_FILES.applied])
    rmSync(`${launch.controlDir}/${name}`, { force: true });
  writeJsonAtomic(launch.controlDir, CONTROL_FILES.plan, linkPlan(launch.ports, launch.previous));
  writeFaultTable(launch.controlDir, launch.faults ?? { generation: 0, flows: [] });
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(launch.env)) if (value !== undefined) env[name] = value;
  const child = await deps.spawnNode({
    binary: process.execPath,
    args: [script, launch.controlDir],
    env: { ...env, [MANAGED_BY]: launch.home, [LINK_PROXY_MARK]: '1' },
    cwd: launch.controlDir,
    logFile: launch.log,
    banner: `--- c8ctl-nano: link proxy starting at ${new Date().toISOString()} ---`,
  });
  let exited = false;
  void child.exit.then(() => (exited = true));
  const facts = await deps.readProcess(child.pid);
  const record = (links: LinkProxyRecord['links']): LinkProxyRecord => ({
    pid: child.pid,
    startTime: facts?.startTime ?? 'exited-before-recorded',
    controlDir: launch.controlDir,
    log: launch.log,
    links,
  });
  const began = deps.now();
  for (;;) {
    const ready = readReady(launch.controlDir);
    if (ready?.pid === child.pid) {
      child.release();
      return record(ready.links.map(({ from, to, port }) => ({ from, to, port })));
    }
    const failed = readFailed(launch.controlDir);
    if (failed || exited || deps.now() - began > READY_TIMEOUT_MS) {
      await stopProcess(child.pid, facts?.startTime ?? '', 1_000, deps);
      const why = failed
        ? failed.message
        : exited
          ? 'it exited at once'
          : `it did not bind its ports within ${READY_TIMEOUT_MS / 1000} s`;
      const fix = failed?.port
        ? ` Free port ${failed.port}, or "restart" the cluster so the proxy picks new ports.`
        : ` See ${launch.log}.`;
      throw new UserError(`The link proxy could not start: ${why}.${fix}`, { code: 'link-proxy-failed' });
    }
    await deps.sleep(POLL_MS);
  }
}

export function stopLinkProxy(record: LinkProxyRecord, graceMs: number, deps: StopDeps): Promise<StopOutcome> {
  return stopProcess(record.pid, record.startTime, graceMs, deps);
}

/** Hands the proxy a new table and waits until it says it applied exactly that one. */
export async function applyFaults(
  record: LinkProxyRecord,
  table: FaultTable,
  deps: Pick<SuperviseDeps, 'sleep' | 'now'>,
): Promise<AppliedDocument> {
  writeFaultTable(record.controlDir, table);
  const applied = await waitForApplied(record.controlDir, table.generation, APPLY_TIMEOUT_MS, deps);
  if (applied === null) {
    throw new UserError(
      `The link proxy (pid ${record.pid}) did not apply the change within ${APPLY_TIMEOUT_MS / 1000} s; it is written in ${record.controlDir} and applies when the proxy reads it. See ${record.log}.`,
      { code: 'link-proxy-unresponsive' },
    );
  }
  return applied;
}

/** The table the proxy holds now (what was last written); a missing or damaged file means none. */
export function readFaults(record: LinkProxyRecord, nodes: number): FaultTable {
  const read = parseFaults(readControlText(record.controlDir, CONTROL_FILES.faults), nodes);
  return read.kind === 'table' ? read.table : NO_FAULTS;
}

export { readApplied };
