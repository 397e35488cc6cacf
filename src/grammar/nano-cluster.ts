// The nano subcommands that make, show and end a cluster: start, status, stop, restart.
import { SHAPE_FLAGS } from './shape-flags.js';
import type { SubcommandSpec } from './types.js';

export const CLUSTER_SUBCOMMANDS = [
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
] as const satisfies readonly SubcommandSpec[];
