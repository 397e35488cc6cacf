// The c8ctl plugin entry. c8ctl imports this on every invocation, so it holds only metadata and thin
// handlers; the command code loads on first use.
import { NANO_SUBCOMMANDS } from './src/cli/spec.js';

export const metadata = {
  name: 'c8ctl-plugin-nano',
  description: 'Run a local multi-node Nano BPM engine cluster',
  commands: {
    nano: {
      description: 'Start, inspect and stop a local Nano BPM cluster',
      helpDescription: 'Runs a local cluster of the Nano BPM engine (nanobpmn) and tracks it safely.',
      subcommands: NANO_SUBCOMMANDS.map((s) => ({ name: s.name, description: s.summary })),
      examples: NANO_SUBCOMMANDS.flatMap((s) => s.examples.map((e) => ({ command: `c8ctl nano ${e.args}`, description: e.description }))),
      // We parse our own flags (per subcommand, --port=9000, -f, typo detection), so take argv raw.
      passthrough: true,
      passthroughHint: '<subcommand> [options]',
      flagsHint: 'start: --port --partitions --rf --raft --capture --binary --force --timeout · stop: --purge --timeout · status: --port',
    },
  },
};

export const commands = {
  nano: async (args: string[]): Promise<void> => {
    const { runInC8ctl } = await import('./src/host/c8ctl.js');
    await runInC8ctl(args);
  },
};
