// The c8ctl plugin entry. c8ctl imports every plugin on every invocation (`c8ctl help` included), so
// this file holds only metadata derived from the command spec and a thin handler; the command code,
// tar, tree-kill and the rest load on first use.
import { pluginFlagsHint, pluginHelpDescription } from './src/cli/help.js';
import { PROCESSOS } from './src/grammar/processos.js';
import { NANO } from './src/grammar/nano.js';
import { PACKAGE_NAME } from './src/package-name.js';

const EXAMPLES = [
  ['start 3', 'Start three nodes on ports 8080-8082'],
  ['start 3 --rf 3', 'Start three Raft-replicated nodes'],
  ['status', 'Show each node and the partition leaders'],
  ['pause 1', 'Freeze node 1 to rehearse failover (resume 1 brings it back)'],
  ['logs -f', "Follow every node's log"],
  ['stop --purge', 'Stop the cluster and delete its engine data'],
] as const;

export const metadata = {
  name: PACKAGE_NAME,
  description: 'Run a local multi-node Nano BPM engine cluster',
  commands: {
    nano: {
      description: NANO.description,
      helpDescription: pluginHelpDescription(
        NANO,
        'Runs a local cluster of the Nano BPM engine (nanobpmn) and tracks it safely: only processes proven to be\nours are ever signalled, and status reports what the OS and each node say, not what was recorded.',
      ),
      subcommands: NANO.subcommands.map((s) => ({ name: s.name, description: s.summary })),
      examples: EXAMPLES.map(([args, description]) => ({ command: `c8ctl nano ${args}`, description })),
      // Passthrough: c8ctl hands us the raw argv, and our own strict parser handles per-subcommand
      // flags, --port=9000, short flags and typos such as --prot. With declared flags instead, c8ctl
      // would merge all subcommands' flags into one set and leak unknown flags' values into the args.
      passthrough: true,
      passthroughHint: '<subcommand> [arguments] [flags]',
      flagsHint: pluginFlagsHint(NANO),
    },
    processos: {
      description: PROCESSOS.description,
      helpDescription: pluginHelpDescription(
        PROCESSOS,
        'Runs one ProcessOS server against a Nano BPM engine, by default with its own pilot engine spawned from\nthe same engine binary nano uses. The ProcessOS binary is downloaded by hand: "c8ctl processos set bin <path>".',
      ),
      subcommands: PROCESSOS.subcommands.map((s) => ({ name: s.name, description: s.summary })),
      examples: [
        { command: 'c8ctl processos start', description: 'ProcessOS on 8090 against the engine on 8080' },
        { command: 'c8ctl processos logs -f', description: 'Follow the server log' },
      ],
      passthrough: true,
      passthroughHint: '<subcommand> [arguments] [flags]',
      flagsHint: pluginFlagsHint(PROCESSOS),
    },
  },
};

export const commands = {
  nano: async (args: string[]): Promise<void> => {
    const { runInC8ctl } = await import('./src/host/c8ctl.js');
    await runInC8ctl('nano', args);
  },
  processos: async (args: string[]): Promise<void> => {
    const { runInC8ctl } = await import('./src/host/c8ctl.js');
    await runInC8ctl('processos', args);
  },
};
