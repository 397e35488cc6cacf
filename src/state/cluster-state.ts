// The tracked cluster (`cluster.json`): its schema, a strict reader, and the error a corrupt file gives.
import {
  isConsoleMode,
  isReplicationTier,
  type ClusterShape,
  type ConsoleMode,
  type ReplicationTier,
} from '../shape.js';
import { UserError } from '../errors.js';
import { readTrustedJsonFile, removeFile, writeFileAtomic } from './files.js';

export const STATE_SCHEMA = 1;

/** The recorded shape; `raft` is the effective value (on whenever rf > 1). */
export type ClusterSettings = ClusterShape & {
  /** Peer links run through our link proxy (start --network-faults); absent in older files. */
  readonly networkFaults?: boolean;
};

/** The link proxy of a cluster started with --network-faults: a tracked process like a node. */
export interface LinkProxyRecord {
  readonly pid: number;
  readonly startTime: string;
  /** Where the proxy reads its plan and faults and writes what it applied (a folder of the home). */
  readonly controlDir: string;
  readonly log: string;
  /** Node `from` reaches node `to` at 127.0.0.1:`port`. */
  readonly links: ReadonlyArray<{ readonly from: number; readonly to: number; readonly port: number }>;
}

export interface NodeRecord {
  readonly id: number;
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  /** Opaque OS start time of `pid` (see os/process-info.ts); with the pid it proves the process is ours. */
  readonly startTime: string;
  readonly log: string;
  readonly dataDir: string;
  /** The engine variables this node was started with (ours only, not the user's whole environment). */
  readonly env: Readonly<Record<string, string>>;
}

export interface ClusterState {
  readonly schema: typeof STATE_SCHEMA;
  readonly createdAt: string;
  readonly settings: ClusterSettings;
  readonly binary: { readonly path: string; readonly source: string; readonly version: string | null };
  readonly workspaceDir: string;
  readonly nodes: readonly NodeRecord[];
  readonly linkProxy?: LinkProxyRecord | undefined;
  /** The console the nodes were seen to serve once ready (fixed at their spawn); absent in older files. */
  readonly consoleServed?: ConsoleMode | null | undefined;
}

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isString = (v: unknown): v is string => typeof v === 'string';
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Returns why `value` is not a valid state document, or null when it is. */
export function stateProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'it is not a JSON object';
  if (value.schema !== STATE_SCHEMA)
    return `unknown schema version ${JSON.stringify(value.schema)} (expected ${STATE_SCHEMA})`;
  const s = value.settings;
  if (
    !isRecord(s) ||
    !isInt(s.nodes, 1, 64) ||
    !isInt(s.basePort, 1, 65535) ||
    !isInt(s.partitions, 1, 1e6) ||
    !isInt(s.rf, 1, 64) ||
    typeof s.raft !== 'boolean' ||
    typeof s.capture !== 'boolean'
  ) {
    return '"settings" is missing or malformed';
  }
  const b = value.binary;
  if (!isRecord(b) || !isString(b.path) || !isString(b.source) || !(b.version === null || isString(b.version)))
    return '"binary" is missing or malformed';
  if (!isString(value.workspaceDir) || !isString(value.createdAt)) return '"workspaceDir" or "createdAt" is missing';
  if (!Array.isArray(value.nodes) || value.nodes.length === 0) return '"nodes" is missing or empty';
  for (const [index, node] of value.nodes.entries()) {
    if (
      !isRecord(node) ||
      !isInt(node.id, 0, 63) ||
      !isInt(node.port, 1, 65535) ||
      !isInt(node.pid, 1, 2 ** 32) ||
      !isString(node.startTime) ||
      !isString(node.url) ||
      !isString(node.log) ||
      !isString(node.dataDir) ||
      !isRecord(node.env)
    ) {
      return `node entry ${index} is malformed`;
    }
  }
  if (value.consoleServed !== undefined && value.consoleServed !== null && !isConsoleMode(value.consoleServed))
    return '"consoleServed" is malformed';
  const proxy = value.linkProxy;
  if (proxy !== undefined) {
    const linkOk = (l: unknown): boolean =>
      isRecord(l) && isInt(l.from, 0, 63) && isInt(l.to, 0, 63) && isInt(l.port, 1, 65535);
    if (
      !isRecord(proxy) ||
      !isInt(proxy.pid, 1, 2 ** 32) ||
      !isString(proxy.startTime) ||
      !isString(proxy.controlDir) ||
      !isString(proxy.log) ||
      !Array.isArray(proxy.links) ||
      !proxy.links.every(linkOk)
    ) {
      return '"linkProxy" is malformed';
    }
  }
  return null;
}

export function corruptStateError(file: string, reason: string): UserError {
  return new UserError(
    `The cluster state file ${file} cannot be read: ${reason}. "stop --force" finds this home's engines without it, stops them and moves the file aside.`,
    { code: 'corrupt-state' },
  );
}

/** The tracked cluster, or null when none is tracked. A corrupt file is an error, never "no cluster". */
export async function readClusterState(file: string): Promise<ClusterState | null> {
  const read = await readTrustedJsonFile(file);
  if (read.kind === 'missing') return null;
  if (read.kind === 'corrupt') throw corruptStateError(file, `it is ${read.reason}`);
  const problem = stateProblem(read.value);
  if (problem) throw corruptStateError(file, problem);
  const state = read.value as ClusterState;
  return { ...state, settings: completeSettings(state.settings, state.nodes[0]?.env) };
}

type OlderSettings = Omit<ClusterSettings, 'replication' | 'storage' | 'historyMax' | 'console'> & {
  replication?: unknown;
  storage?: unknown;
  historyMax?: unknown;
  console?: unknown;
};

/**
 * Settings written before the tier, storage and history cap were recorded: what the nodes were given
 * (it is in their recorded environment), else what those versions always set (leader-durable, disk).
 */
export function completeSettings(
  settings: OlderSettings,
  nodeEnv: Readonly<Record<string, string>> | undefined,
): ClusterSettings {
  const fromNode = nodeEnv?.NANOBPMN_REPLICATION;
  const replication: ReplicationTier = isReplicationTier(settings.replication)
    ? settings.replication
    : isReplicationTier(fromNode)
      ? fromNode
      : 'leader-durable';
  const storage =
    settings.storage === 'memory' || settings.storage === 'disk'
      ? settings.storage
      : nodeEnv !== undefined && nodeEnv.NANOBPMN_DATA_DIR === undefined
        ? 'memory'
        : 'disk';
  const historyMax = typeof settings.historyMax === 'number' ? settings.historyMax : null;
  const consoleMode = isConsoleMode(settings.console)
    ? settings.console
    : isConsoleMode(nodeEnv?.NANOBPMN_CONSOLE)
      ? nodeEnv.NANOBPMN_CONSOLE
      : 'studio';
  return { ...settings, replication, storage, historyMax, console: consoleMode };
}

export async function writeClusterState(file: string, state: ClusterState): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * Synchronous inside: on `stop` this was the one call that used libuv's thread pool, and starting
 * its four threads cost more than the unlink (about 2 ms at the end of every stop).
 */
export async function removeClusterState(file: string): Promise<void> {
  removeFile(file);
}
