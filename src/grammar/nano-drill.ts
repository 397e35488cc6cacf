// The nano subcommand that rehearses one fault end to end: `drill`.
import { SHAPE_FLAGS } from './shape-flags.js';
import type { SubcommandSpec } from './types.js';

export const DRILL_SUBCOMMANDS = [
  {
    name: 'drill',
    summary:
      'Rehearse one fault on the running cluster and measure it: a workload through every node, the fault, the heal, a check that nothing acknowledged was lost, and a timeline (exit 0 whole, 4 converged but lost or duplicated something, 5 did not converge)',
    positionals: [{ name: 'FAULT', description: 'pause | kill | isolate | cut | slow | none (default pause)' }],
    flags: {
      target: {
        type: 'string',
        value: '<node|role>',
        description:
          'Which node: an id, leader-of:<partition>, owner-of:<partition> or any-follower (default leader-of:1)',
      },
      peer: {
        type: 'string',
        value: '<node|role>',
        description: "cut: the node that stops hearing the target (default the target's next node)",
      },
      refuse: { type: 'boolean', description: 'isolate, cut: reset the peer connections instead of stalling them' },
      delay: { type: 'string', value: '<ms>', description: 'slow: added to each peer link, each way (default 200)' },
      jitter: { type: 'string', value: '<ms>', description: 'slow: up to this much more, at random (default 0)' },
      at: { type: 'string', value: '<seconds>', description: 'Workload before the fault (default 3)' },
      for: { type: 'string', value: '<seconds>', description: 'How long the fault lasts (default 8)' },
      settle: {
        type: 'string',
        value: '<seconds>',
        description: 'How long to wait, after the heal, for every partition to be led again (default 30)',
      },
      after: {
        type: 'string',
        value: '<seconds>',
        description: 'Workload once the cluster has converged (default 3)',
      },
      rate: {
        type: 'string',
        value: '<per-second>',
        description: 'Instances created per second, 1 to 100 (default 10)',
      },
      deadline: {
        type: 'string',
        value: '<ms>',
        description: 'How long a request may take before it counts as an unknown outcome (default 2000)',
      },
      'no-task': { type: 'boolean', description: 'A process without a service task: creates only, no job work' },
      report: { type: 'string', value: '<file.html>', description: 'Also write a self-contained HTML report' },
      force: { type: 'boolean', description: 'Drill even though the cluster is degraded now' },
      fresh: {
        type: 'string',
        value: '<N>',
        description:
          'Start a cluster of N nodes for the drill (with the shape flags below, peer links through the proxy) and stop it after; its data stays',
      },
      port: { type: 'string', value: '<port>', description: '--fresh: base HTTP port (default 8080)' },
      ...SHAPE_FLAGS,
    },
    examples: [
      { args: 'drill', description: 'Pause the leader of partition 1 for 8 s, then resume it, under load' },
      { args: 'drill kill --target owner-of:2', description: 'Kill the owner of partition 2, then start it again' },
      { args: 'drill isolate --refuse --for 5', description: 'Cut the leader of partition 1 off, refusing' },
      { args: 'drill slow --delay 200 --rate 20', description: "Slow one node's links; twenty creates a second" },
      { args: 'drill --json --report drill.html', description: 'The verdict as JSON, the timeline as a web page' },
      {
        args: 'drill kill --fresh 3 --rf 3 --replication quorum',
        description: 'A cluster of its own for the drill, started and stopped by it (for CI)',
      },
    ],
  },
] as const satisfies readonly SubcommandSpec[];
