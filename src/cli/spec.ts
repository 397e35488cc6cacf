// The nano command's grammar as data: subcommands, their flags and examples. The parser, the help
// text and the c8ctl metadata are all derived from this, so they cannot disagree. No imports, no work:
// the plugin entry may load it on every c8ctl invocation.

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Placeholder shown in help, e.g. `<port>`. */
  readonly value?: string;
  readonly description: string;
}

export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
}

export interface SubcommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly positionals: readonly PositionalSpec[];
  readonly flags: Readonly<Record<string, FlagSpec>>;
  readonly examples: ReadonlyArray<{ readonly args: string; readonly description: string }>;
}

/** Accepted by every subcommand. */
export const COMMON_FLAGS: Readonly<Record<string, FlagSpec>> = {
  json: { type: 'boolean', description: 'Print one JSON document on stdout instead of text' },
  help: { type: 'boolean', short: 'h', description: 'Show help for this subcommand' },
};

export const NANO_SUBCOMMANDS: readonly SubcommandSpec[] = [
  {
    name: 'start',
    summary: 'Start a local cluster of N engine nodes (default 1) and wait until it is ready',
    positionals: [{ name: 'N', description: 'number of nodes, 1 to 64 (default 1)' }],
    flags: {
      port: { type: 'string', value: '<port>', description: 'Base HTTP port; node i listens on port+i (default 8080)' },
      partitions: { type: 'string', value: '<count>', description: 'Total partitions, at least N (default N)' },
      rf: { type: 'string', value: '<count>', description: 'Replication factor, 1 to N; above 1 turns Raft on (default 1)' },
      raft: { type: 'boolean', description: 'Turn Raft on even with --rf 1' },
      capture: { type: 'boolean', description: 'Record every instance\'s inputs for replay (trace capture) on all nodes' },
      binary: { type: 'string', value: '<path>', description: 'Engine binary to run (overrides "set bin" and NANOBPMN_BINARY)' },
      force: { type: 'boolean', description: 'Stop a cluster that is already running first' },
      timeout: { type: 'string', value: '<seconds>', description: 'How long to wait for readiness (default 60)' },
    },
    examples: [
      { args: 'start', description: 'One node on port 8080' },
      { args: 'start 3', description: 'Three nodes on ports 8080-8082' },
      { args: 'start 3 --rf 3', description: 'Three Raft-replicated nodes' },
      { args: 'start 3 --port 9000', description: 'Three nodes on ports 9000-9002' },
    ],
  },
  {
    name: 'status',
    summary: 'Show each node\'s process and HTTP state and the partition leaders (exit 0 running, 2 degraded, 3 stopped)',
    positionals: [],
    flags: {
      port: { type: 'string', value: '<port>', description: 'Probe this port instead (for a cluster not started here; default 8080)' },
    },
    examples: [
      { args: 'status', description: 'The managed cluster, or whatever answers on port 8080' },
      { args: 'status --port 9000 --json', description: 'Inspect port 9000, as JSON' },
    ],
  },
  {
    name: 'stop',
    summary: 'Stop every node (gracefully, forced after the timeout); engine data is kept',
    positionals: [],
    flags: {
      purge: { type: 'boolean', description: 'Also delete every node\'s engine data' },
      timeout: { type: 'string', value: '<seconds>', description: 'Grace period before nodes are killed (default 10)' },
    },
    examples: [
      { args: 'stop', description: 'Stop the cluster, keep its data' },
      { args: 'stop --purge', description: 'Stop the cluster and delete its engine data' },
    ],
  },
];

export function findSubcommand(name: string): SubcommandSpec | undefined {
  return NANO_SUBCOMMANDS.find((s) => s.name === name);
}
