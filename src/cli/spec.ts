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

/** What a cluster is made of: `start` and `export` take the same flags, with the same checks. */
const SHAPE_FLAGS: Readonly<Record<string, FlagSpec>> = {
  partitions: { type: 'string', value: '<count>', description: 'Total partitions, at least N (default N)' },
  rf: {
    type: 'string',
    value: '<count>',
    description: 'Replication factor, 1 to N; above 1 turns Raft on (default 1)',
  },
  raft: { type: 'boolean', description: 'Turn Raft on even with --rf 1' },
  replication: {
    type: 'string',
    value: 'leader-durable|quorum',
    description:
      'Replication tier with Raft (default leader-durable: a crashed leader is replaced and its node takes the partitions back when it returns; a frozen one is waited for). quorum replaces a frozen leader too, but with this engine leadership never returns to its owner, and creates and reads through some nodes fail from then on',
  },
  capture: { type: 'boolean', description: "Record every instance's inputs for replay (trace capture) on all nodes" },
  'in-memory': {
    type: 'boolean',
    description: 'Keep nothing on disk (no journal, no read database): for stress runs; nothing survives a stop',
  },
  'history-max': {
    type: 'string',
    value: '<count>',
    description: "Completed instances each node keeps (NANOBPMN_HISTORY_MAX_INSTANCES; default: the engine's)",
  },
  console: {
    type: 'string',
    value: 'off|observe|studio',
    description: 'Web console: off, observe (read-only) or studio (the full IDE; default)',
  },
};

export const NANO_SUBCOMMANDS: readonly SubcommandSpec[] = [
  {
    name: 'start',
    summary:
      'Start a local cluster of N engine nodes (default 1) and wait until it is ready. On a running cluster it is the desired state: what you give must match (else it says what differs), nodes that have exited start again on their data, a frozen (paused) node is left frozen and reported (exit 2); exit 0 when all is running',
    positionals: [{ name: 'N', description: 'number of nodes, 1 to 64 (default 1)' }],
    flags: {
      port: { type: 'string', value: '<port>', description: 'Base HTTP port; node i listens on port+i (default 8080)' },
      ...SHAPE_FLAGS,
      'network-faults': {
        type: 'boolean',
        description:
          'Run the peer links through a local proxy so isolate, cut, slow and heal can break them (clients still reach nodes directly)',
      },
      binary: {
        type: 'string',
        value: '<path>',
        description: 'Engine binary to run (overrides "set bin" and NANOBPMN_BINARY)',
      },
      force: {
        type: 'boolean',
        description: 'Stop a cluster that is already running first, and start this one in its place',
      },
      timeout: {
        type: 'string',
        value: '<seconds>',
        description: 'How long to wait for readiness (default 60, at most 86400)',
      },
    },
    examples: [
      { args: 'start', description: 'One node on port 8080 (or: the running cluster, as it is)' },
      { args: 'start 3', description: 'Three nodes on ports 8080-8082' },
      {
        args: 'start 3 --rf 3',
        description: 'Three Raft-replicated nodes; a crashed leader is replaced, and every drill heals',
      },
      {
        args: 'start 3 --rf 3 --replication quorum',
        description: 'A frozen leader is replaced too, but leadership stays displaced afterwards',
      },
      { args: 'start 3 --port 9000', description: 'Three nodes on ports 9000-9002' },
      {
        args: 'start 3 --rf 3 --network-faults',
        description: 'Peer links through a proxy, for isolate, cut, slow and heal',
      },
    ],
  },
  {
    name: 'status',
    summary:
      "Show each node's process and HTTP state and the partition leaders (exit 0 running, 2 degraded, 3 stopped)",
    positionals: [],
    flags: {
      port: {
        type: 'string',
        value: '<port>',
        description: 'Probe this port instead (for a cluster not started here; default 8080)',
      },
      watch: {
        type: 'boolean',
        short: 'w',
        description: 'Redraw the view until Ctrl-C, marking what changed (one frame per interval without a terminal)',
      },
      interval: {
        type: 'string',
        value: '<seconds>',
        description: 'Seconds between frames with --watch (default 1, at most 86400)',
      },
    },
    examples: [
      { args: 'status', description: 'The managed cluster, or whatever answers on port 8080' },
      { args: 'status --watch', description: 'Watch failover live while you pause or kill nodes elsewhere' },
      { args: 'status --port 9000 --json', description: 'Inspect port 9000, as JSON' },
    ],
  },
  {
    name: 'stop',
    summary: 'Stop every node (gracefully, forced after the timeout); engine data is kept',
    positionals: [],
    flags: {
      purge: { type: 'boolean', description: "Also delete every node's engine data" },
      force: {
        type: 'boolean',
        description: "Also stop this home's engines that are not tracked (state lost or corrupt)",
      },
      timeout: {
        type: 'string',
        value: '<seconds>',
        description: 'Grace period before nodes are killed (default 10, at most 86400)',
      },
    },
    examples: [
      { args: 'stop', description: 'Stop the cluster, keep its data' },
      { args: 'stop --purge', description: 'Stop the cluster and delete its engine data' },
    ],
  },
  {
    name: 'restart',
    summary:
      'Stop the cluster and start it again with the same shape (nodes, port, partitions, RF, Raft, capture, binary) unless flags change it',
    positionals: [{ name: 'N', description: 'number of nodes (default: as before)' }],
    flags: {
      port: { type: 'string', value: '<port>', description: 'Base HTTP port (default: as before)' },
      partitions: { type: 'string', value: '<count>', description: 'Total partitions (default: as before)' },
      rf: { type: 'string', value: '<count>', description: 'Replication factor (default: as before)' },
      raft: { type: 'boolean', description: 'Turn Raft on' },
      replication: {
        type: 'string',
        value: 'leader-durable|quorum',
        description:
          'Replication tier (default: as before; leader-durable for a new Raft cluster). leader-durable on kept data whose leaders are displaced gives every partition back to its owner',
      },
      capture: { type: 'boolean', description: 'Turn trace capture on' },
      'in-memory': { type: 'boolean', description: 'Keep nothing on disk (default: as before)' },
      'history-max': {
        type: 'string',
        value: '<count>',
        description: 'Completed instances each node keeps (default: as before)',
      },
      console: { type: 'string', value: 'off|observe|studio', description: 'Web console mode (default: as before)' },
      binary: { type: 'string', value: '<path>', description: 'Engine binary to run (default: as before)' },
      'network-faults': {
        type: 'boolean',
        description: 'Peer links through a proxy for isolate, cut, slow and heal (default: as before)',
      },
      purge: { type: 'boolean', description: 'Delete engine data between stop and start' },
      timeout: {
        type: 'string',
        value: '<seconds>',
        description: 'How long to wait for readiness (default 60, at most 86400)',
      },
    },
    examples: [
      { args: 'restart', description: 'Same cluster, fresh processes, data kept' },
      { args: 'restart 5 --purge', description: 'Five nodes, empty data' },
    ],
  },
  {
    name: 'pause',
    summary: 'Freeze a node (SIGSTOP), like a hang or a network partition',
    positionals: [{ name: 'id', description: 'node id (0-based, as status shows)' }],
    flags: {},
    examples: [{ args: 'pause 1', description: 'Freeze node 1' }],
  },
  {
    name: 'resume',
    summary: 'Unfreeze a paused node (SIGCONT)',
    positionals: [{ name: 'id', description: 'node id (0-based, as status shows)' }],
    flags: {},
    examples: [{ args: 'resume 1', description: 'Let node 1 continue' }],
  },
  {
    name: 'isolate',
    summary: 'Cut a node off from its peers (needs start --network-faults); clients still reach it',
    positionals: [{ name: 'id', description: 'node id (0-based, as status shows)' }],
    flags: {
      refuse: {
        type: 'boolean',
        description: 'Reset its peer connections (refused) instead of stalling them (silent, like lost packets)',
      },
    },
    examples: [
      {
        args: 'isolate 0',
        description: 'Node 0 neither hears nor reaches its peers; its bytes wait, as on a dead network',
      },
      { args: 'isolate 0 --refuse', description: 'The same, but every peer connection of node 0 is reset at once' },
    ],
  },
  {
    name: 'cut',
    summary: 'Cut one direction of one link: what <from> sends no longer reaches <to> (needs start --network-faults)',
    positionals: [
      { name: 'from', description: 'node id whose messages are lost' },
      { name: 'to', description: 'node id that no longer hears them' },
    ],
    flags: {
      refuse: { type: 'boolean', description: 'Reset the connections carrying it instead of stalling them' },
    },
    examples: [{ args: 'cut 0 1', description: 'Node 1 stops hearing node 0; node 0 still hears node 1' }],
  },
  {
    name: 'slow',
    summary: 'Add delay, jitter or a rate limit to every peer link of a node (needs start --network-faults)',
    positionals: [{ name: 'id', description: 'node id (0-based, as status shows)' }],
    flags: {
      delay: { type: 'string', value: '<ms>', description: 'Added to each direction of each link (0 to 60000)' },
      jitter: {
        type: 'string',
        value: '<ms>',
        description: 'A random extra of up to this much, order kept (0 to 60000)',
      },
      rate: {
        type: 'string',
        value: '<KB/s>',
        description: 'At most this many kilobytes per second per direction (1 to 1000000)',
      },
    },
    examples: [
      { args: 'slow 2 --delay 200', description: "200 ms more each way on node 2's links" },
      { args: 'slow 2 --delay 50 --jitter 50 --rate 100', description: 'A poor link: 50-100 ms, 100 KB/s' },
    ],
  },
  {
    name: 'heal',
    summary: "Undo isolate, cut and slow: for one node's links, or for all (and bring a dead link proxy back)",
    positionals: [{ name: 'id', description: 'node id (default: every link)' }],
    flags: {},
    examples: [
      { args: 'heal', description: 'Every link back to normal' },
      { args: 'heal 0', description: 'Only the links of node 0' },
    ],
  },
  {
    name: 'node',
    summary: 'Act on one node: stop (graceful), kill (crash it), start (bring it back), restart',
    positionals: [
      { name: 'id', description: 'node id (0-based, as status shows)' },
      { name: 'action', description: 'stop | kill | start | restart' },
    ],
    flags: {
      signal: {
        type: 'string',
        value: '<name>',
        description: 'Signal for kill (default SIGKILL), e.g. SIGTERM, SIGABRT',
      },
      timeout: {
        type: 'string',
        value: '<seconds>',
        description: 'Grace period for stop (default 10) / readiness wait for start (default 60); at most 86400',
      },
    },
    examples: [
      { args: 'node 0 kill', description: 'Crash node 0 (SIGKILL) to watch failover' },
      { args: 'node 0 start', description: 'Bring node 0 back on its data' },
    ],
  },
  {
    name: 'logs',
    summary: "Print a node's log, or all nodes' logs interleaved; -f follows new output until Ctrl-C",
    positionals: [{ name: 'id', description: 'node id (default: all nodes)' }],
    flags: {
      follow: { type: 'boolean', short: 'f', description: 'Keep printing new lines until Ctrl-C' },
      lines: {
        type: 'string',
        short: 'n',
        value: '<count>',
        description: 'How many of the last lines to print first (default 50)',
      },
    },
    examples: [
      { args: 'logs 1 -f', description: 'Follow node 1' },
      { args: 'logs -n 200', description: 'The last 200 lines of all nodes, interleaved' },
    ],
  },
  {
    name: 'clean',
    summary: 'Delete engine data and logs (the cluster must be stopped); --workspace also deletes models and workers',
    positionals: [],
    flags: {
      workspace: { type: 'boolean', description: 'Also delete models/ and workers/ in the workspace' },
      yes: { type: 'boolean', short: 'y', description: 'Do not ask before deleting models and workers' },
    },
    examples: [
      { args: 'clean', description: 'Delete data and logs' },
      { args: 'clean --workspace --yes', description: 'Also delete models and workers, without asking' },
    ],
  },
  {
    name: 'set',
    summary: 'Save a setting: bin <path> (engine binary) or model-dir <path> (shared workspace)',
    positionals: [
      { name: 'key', description: 'bin | model-dir' },
      { name: 'value', description: 'a path' },
    ],
    flags: {},
    examples: [
      {
        args: 'set bin ~/nanobpmn/server/target/release/nanobpm-gateway-rest-server',
        description: 'Use a local engine build',
      },
      { args: 'set model-dir ~/bpmn-workspace', description: 'Share models and workers from a folder of yours' },
    ],
  },
  {
    name: 'unset',
    summary: 'Remove a saved setting: bin or model-dir',
    positionals: [{ name: 'key', description: 'bin | model-dir' }],
    flags: {},
    examples: [{ args: 'unset bin', description: 'Go back to the bundled engine' }],
  },
  {
    name: 'config',
    summary: 'Show the settings, the engine binary that would run now and where everything lives',
    positionals: [],
    flags: {},
    examples: [{ args: 'config --json', description: 'Everything, as JSON' }],
  },
  {
    name: 'doctor',
    summary:
      'Check everything the plugin depends on, one line per check with the fix for each failure (exit 1 if any failed)',
    positionals: [],
    flags: {},
    examples: [{ args: 'doctor', description: 'What is wrong, and how to fix it' }],
  },
  {
    name: 'export',
    summary:
      "Write the same cluster for Kubernetes or Docker Compose (or the engine image's Dockerfile), to run beyond this machine",
    positionals: [
      { name: 'TARGET', description: 'kubernetes, compose or dockerfile' },
      { name: 'N', description: 'number of nodes, 1 to 64 (default 1)' },
    ],
    flags: {
      ...SHAPE_FLAGS,
      port: {
        type: 'string',
        value: '<port>',
        description: 'Compose only: node i is published on host port port+i (default 8080)',
      },
      image: {
        type: 'string',
        value: '<ref>',
        description:
          'Engine image the nodes run (default nanobpmn:<engine package version>, as export dockerfile builds it)',
      },
      name: {
        type: 'string',
        value: '<name>',
        description: 'Cluster name: prefixes every object, pod and service (default nano)',
      },
      namespace: {
        type: 'string',
        value: '<ns>',
        description: 'Kubernetes only: the namespace of every object (default default)',
      },
      out: {
        type: 'string',
        value: '<file>',
        description:
          'Write to this file instead of stdout; only then is the cluster secret written (Kubernetes: into the file; Compose: an env file beside it)',
      },
      force: {
        type: 'boolean',
        description:
          'Replace an --out file that export did not write (one it wrote is always replaced, keeping its secret)',
      },
      engine: {
        type: 'string',
        value: '<local|npm>',
        description:
          'dockerfile only: local copies the engine this plugin runs beside the Dockerfile (builds offline; the default when that engine is a Linux one), npm fetches it during the build (any platform)',
      },
      'all-interfaces': {
        type: 'boolean',
        description: "Compose only: publish the nodes' ports on every host interface (default: 127.0.0.1 only)",
      },
    },
    examples: [
      {
        args: 'export kubernetes 3 --rf 3 --out nano.yaml',
        description: 'StatefulSet, Services, Secret and PodDisruptionBudget; then kubectl apply -f nano.yaml',
      },
      {
        args: 'export compose 3 --rf 3 --out compose.yaml',
        description:
          'One service per node; then docker compose -p nano -f compose.yaml up -d (docker-compose and podman-compose alike)',
      },
      {
        args: 'export dockerfile --out image/Dockerfile',
        description:
          "The engine image the manifests run, with this plugin's engine beside it; then docker build -t nanobpmn:<version> image",
      },
    ],
  },
  {
    name: 'bundle',
    summary:
      'Write one .tar.gz for a bug report: logs, state and config (secrets redacted), live topology and health, doctor report, versions',
    positionals: [],
    flags: {
      out: {
        type: 'string',
        value: '<file.tar.gz>',
        description: 'Where to write it (default ./c8ctl-nano-bundle-<time>.tar.gz)',
      },
      'log-mb': {
        type: 'string',
        value: '<MB>',
        description: 'How much of the end of each log to include (default 5)',
      },
      force: {
        type: 'boolean',
        description: 'Replace the --out file if it exists (otherwise bundle asks on a terminal, or refuses)',
      },
    },
    examples: [
      { args: 'bundle --out /tmp/nano-report.tar.gz', description: 'Everything a bug report needs, in one file' },
    ],
  },
  {
    name: 'update',
    summary:
      'Upgrade to the newest release (inside c8ctl via "c8ctl upgrade plugin"); --check only says whether one exists and what it changes',
    positionals: [],
    flags: {
      check: {
        type: 'boolean',
        description:
          'Only ask the registry: newest version, engine change, release notes (exit 0 either way, 1 if the registry cannot say)',
      },
      yes: { type: 'boolean', short: 'y', description: 'Standalone: run the npm command instead of printing it' },
    },
    examples: [
      { args: 'update --check', description: 'Is there a newer release, and what would change?' },
      { args: 'update', description: 'Upgrade (standalone: prints the npm command for how it was installed)' },
      { args: 'update --yes', description: 'Standalone: also run that npm command' },
    ],
  },
];

/** A top-level command (`nano`, `processos`) and its subcommands. */
export interface CommandSpec {
  readonly name: string;
  /** One line for help and for c8ctl's command list. */
  readonly description: string;
  readonly subcommands: readonly SubcommandSpec[];
}

export const NANO: CommandSpec = {
  name: 'nano',
  description: 'Start, inspect and stop a local Nano BPM cluster',
  subcommands: NANO_SUBCOMMANDS,
};

export function findSubcommand(name: string, command: CommandSpec = NANO): SubcommandSpec | undefined {
  return command.subcommands.find((s) => s.name === name);
}
