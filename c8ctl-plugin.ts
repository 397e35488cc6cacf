// The c8ctl plugin entry. c8ctl imports every plugin on every invocation (`c8ctl help` included), so
// this file holds only metadata derived from the command spec and a thin handler; the command code,
// execa, undici and the rest load on first use.
import { pluginFlagsHint, pluginHelpDescription } from './src/cli/help.js';
import { NANO_SUBCOMMANDS } from './src/cli/spec.js';

const EXAMPLES = [
  ['start 3', 'Start three nodes on ports 8080-8082'],
  ['start 3 --rf 3', 'Start three Raft-replicated nodes'],
  ['status', 'Show each node and the partition leaders'],
  ['pause 1', 'Freeze node 1 to rehearse failover (resume 1 brings it back)'],
  ['logs -f', 'Follow every node\'s log'],
  ['stop --purge', 'Stop the cluster and delete its engine data'],
] as const;

export const metadata = {
  name: 'c8ctl-plugin-nano',
  description: 'Run a local multi-node Nano BPM engine cluster',
  commands: {
    nano: {
      description: 'Start, inspect and stop a local Nano BPM cluster',
      helpDescription: pluginHelpDescription(),
      subcommands: NANO_SUBCOMMANDS.map((s) => ({ name: s.name, description: s.summary })),
      examples: EXAMPLES.map(([args, description]) => ({ command: `c8ctl nano ${args}`, description })),
      // Passthrough: c8ctl hands us the raw argv, and our own strict parser handles per-subcommand
      // flags, --port=9000, short flags and typos such as --prot. With declared flags instead, c8ctl
      // would merge all subcommands' flags into one set and leak unknown flags' values into the args.
      passthrough: true,
      passthroughHint: '<subcommand> [arguments] [flags]',
      flagsHint: pluginFlagsHint(),
    },
  },
};

export const commands = {
  nano: async (args: string[]): Promise<void> => {
    const { runInC8ctl } = await import('./src/host/c8ctl.js');
    await runInC8ctl(args);
  },
};
