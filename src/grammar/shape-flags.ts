// What a cluster is made of, as flags: `start` and `export` take the same ones, with the same checks.
import type { FlagSpec } from './types.js';

export const SHAPE_FLAGS = {
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
} as const satisfies Readonly<Record<string, FlagSpec>>;
