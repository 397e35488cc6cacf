// Turns parsed `start` arguments into a checked request. Everything is validated here, before any
// file or process is touched, because the engine itself accepts bad values silently.
import { invalidArgument } from '../errors.js';
import { isConsoleMode, isReplicationTier, type ConsoleMode } from '../shape.js';
import { KNOWN_VALUES, type ClusterShape, type ReplicationTier } from './plan.js';
import { defaultReplication } from './tiers.js';
import { parseSeconds, parsePort, parseWholeNumber } from '../values.js';

export const MAX_NODES = 64;
export const DEFAULT_BASE_PORT = 8080;
export const DEFAULT_START_TIMEOUT_S = 60;
export const DEFAULT_STOP_TIMEOUT_S = 10;
export const MAX_HISTORY = 100_000_000;

export interface StartRequest extends ClusterShape {
  /** Peer links through the link proxy, so that isolate, cut, slow and heal can act on them. */
  readonly networkFaults: boolean;
  readonly binary?: string | undefined;
  readonly force: boolean;
  readonly timeoutMs: number;
}

export interface RawStartArgs {
  readonly count?: string | undefined;
  readonly port?: string | undefined;
  readonly partitions?: string | undefined;
  readonly rf?: string | undefined;
  readonly raft?: boolean | undefined;
  readonly capture?: boolean | undefined;
  readonly binary?: string | undefined;
  readonly force?: boolean | undefined;
  readonly timeout?: string | undefined;
  /** --replication, then an exported NANOBPMN_REPLICATION, then the tier the cluster had before. */
  readonly replication?: string | undefined;
  readonly previousReplication?: string | undefined;
  /** --console, then an exported NANOBPMN_CONSOLE (the engine reads it too), then the previous cluster's. */
  readonly console?: string | undefined;
  readonly previousConsole?: string | undefined;
  readonly inMemory?: boolean | undefined;
  readonly historyMax?: string | undefined;
  readonly networkFaults?: boolean | undefined;
  /** The user's environment: the exported tier and console mode, and overridable defaults to check. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

function nodeCount(raw: RawStartArgs): number {
  if (raw.count === undefined) return 1;
  const n = parseWholeNumber(raw.count);
  if (n === undefined || n < 1 || n > MAX_NODES) {
    throw invalidArgument(`Node count "${raw.count}" is not a whole number from 1 to ${MAX_NODES}. Example: start 3`);
  }
  return n;
}

function basePortFor(raw: RawStartArgs, nodes: number): number {
  const basePort = raw.port === undefined ? DEFAULT_BASE_PORT : parsePort('--port', raw.port);
  const lastPort = basePort + nodes - 1;
  if (lastPort > 65535) {
    throw invalidArgument(
      `--port ${basePort} leaves no room for ${nodes} nodes: the last would need port ${lastPort}. Use --port ${65536 - nodes} or lower.`,
    );
  }
  return basePort;
}

function partitionCount(raw: RawStartArgs, nodes: number): number {
  if (raw.partitions === undefined) return nodes;
  const p = parseWholeNumber(raw.partitions);
  // The engine aborts when a node owns no partition, so each node needs at least one.
  if (p === undefined || p < nodes || p > 1024) {
    throw invalidArgument(
      `--partitions "${raw.partitions}" must be a whole number from ${nodes} to 1024: each of the ${nodes} node(s) needs at least one partition. Example: --partitions ${nodes * 2}`,
    );
  }
  return p;
}

function replicationFactor(raw: RawStartArgs, nodes: number): number {
  if (raw.rf === undefined) return 1;
  const r = parseWholeNumber(raw.rf);
  if (r === undefined || r < 1 || r > nodes) {
    throw invalidArgument(
      `--rf "${raw.rf}" must be a whole number from 1 to ${nodes} (the node count); replicas live on distinct nodes. Example: start 3 --rf 3`,
    );
  }
  return r;
}

/** Refuses an exported engine setting the engine would ignore silently. */
function checkExportedValues(env: RawStartArgs['env']): void {
  for (const [name, allowed] of Object.entries(KNOWN_VALUES)) {
    const value = env?.[name];
    if (value !== undefined && value !== '' && !allowed.includes(value)) {
      throw invalidArgument(
        `${name}="${value}" in your environment is not a value the engine knows (${allowed.join(' or ')}); it would ignore it silently. Export one of those, or unset it.`,
      );
    }
  }
}

function historyMaxOf(raw: RawStartArgs): number | null {
  if (raw.historyMax === undefined) return null;
  const h = parseWholeNumber(raw.historyMax);
  if (h === undefined || h < 1 || h > MAX_HISTORY) {
    throw invalidArgument(
      `--history-max "${raw.historyMax}" must be a whole number of completed instances from 1 to ${MAX_HISTORY} that each node keeps. Example: --history-max 10000`,
    );
  }
  return h;
}

function networkFaultsOf(raw: RawStartArgs, nodes: number): boolean {
  const networkFaults = raw.networkFaults === true;
  if (networkFaults && nodes < 2)
    throw invalidArgument(
      '--network-faults needs at least 2 nodes: a single node has no peer links to break. Example: start 3 --rf 3 --network-faults',
    );
  return networkFaults;
}

/** Each value checked in a fixed order: the first mistake is the one reported. */
export function validateStart(raw: RawStartArgs): StartRequest {
  const nodes = nodeCount(raw);
  const basePort = basePortFor(raw, nodes);
  const partitions = partitionCount(raw, nodes);
  const rf = replicationFactor(raw, nodes);
  const raft = raw.raft === true;
  const replication = chooseReplication(raw, { rf, raft });
  checkExportedValues(raw.env);
  const historyMax = historyMaxOf(raw);
  const networkFaults = networkFaultsOf(raw, nodes);
  return {
    nodes,
    basePort,
    networkFaults,
    partitions,
    rf,
    raft,
    replication,
    storage: raw.inMemory === true ? 'memory' : 'disk',
    historyMax,
    console: chooseConsole(raw),
    capture: raw.capture === true,
    binary: raw.binary,
    force: raw.force === true,
    timeoutMs: parseSeconds('--timeout', raw.timeout, DEFAULT_START_TIMEOUT_S),
  };
}

/**
 * A setting the engine would also read from the environment (and accept silently when misspelt): the
 * flag wins, then the user's export, then the previous cluster's value, then the default. A bad flag
 * or export is refused, naming it.
 */
function chooseSetting<T extends string>(c: {
  readonly flag: string | undefined;
  readonly exported: string | undefined;
  readonly previous: string | undefined;
  readonly fallback: T;
  readonly isValid: (value: unknown) => value is T;
  readonly badFlag: (value: string) => string;
  readonly badExport: (value: string) => string;
}): T {
  if (c.flag !== undefined) {
    if (!c.isValid(c.flag)) throw invalidArgument(c.badFlag(c.flag));
    return c.flag;
  }
  if (c.exported !== undefined && c.exported !== '') {
    if (!c.isValid(c.exported)) throw invalidArgument(c.badExport(c.exported));
    return c.exported;
  }
  return c.isValid(c.previous) ? c.previous : c.fallback;
}

function chooseReplication(raw: RawStartArgs, shape: { rf: number; raft: boolean }): ReplicationTier {
  // The tier is how replicas follow their leader: without Raft there are none, and the flag would be shown but mean nothing.
  if (raw.replication !== undefined && !shape.raft && shape.rf === 1) {
    throw invalidArgument(
      `--replication ${raw.replication} needs Raft: without it each partition has one copy and no tier applies. Add --rf 3 (or --raft), or leave --replication out. Example: start 3 --rf 3 --replication ${raw.replication}`,
    );
  }
  return chooseSetting({
    flag: raw.replication,
    exported: raw.env?.NANOBPMN_REPLICATION,
    // A tier kept from an RF 1 cluster meant nothing; a new Raft cluster gets the default.
    previous: shape.rf > 1 ? raw.previousReplication : undefined,
    fallback: defaultReplication(shape),
    isValid: isReplicationTier,
    badFlag: (v) =>
      `--replication "${v}" must be leader-durable (the default: every failover heals) or quorum (a frozen leader is replaced too, but leadership does not return to its owner). Example: --replication leader-durable`,
    badExport: (v) =>
      `NANOBPMN_REPLICATION="${v}" in your environment is not a tier the engine knows (leader-durable or quorum); it would ignore it silently. Unset it, or choose with --replication.`,
  });
}

function chooseConsole(raw: RawStartArgs): ConsoleMode {
  return chooseSetting({
    flag: raw.console,
    exported: raw.env?.NANOBPMN_CONSOLE,
    previous: raw.previousConsole,
    fallback: 'studio',
    isValid: isConsoleMode,
    badFlag: (v) =>
      `--console "${v}" must be off, observe (read-only) or studio (the full IDE, the default). Example: --console observe`,
    badExport: (v) =>
      `NANOBPMN_CONSOLE="${v}" in your environment is not a console mode the engine knows (off, observe or studio). Unset it, or choose with --console.`,
  });
}
