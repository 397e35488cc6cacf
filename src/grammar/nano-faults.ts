// The nano subcommands that break and mend a running cluster: pause, resume, isolate, cut, slow, heal, node.
import type { SubcommandSpec } from './types.js';

export const FAULT_SUBCOMMANDS = [
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
] as const satisfies readonly SubcommandSpec[];
