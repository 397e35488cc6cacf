// The processos command's grammar as data (see nano.ts). No imports of code, no work at import.
import type { CommandSpec, FlagSpec, SubcommandFlags, SubcommandSpec } from './types.js';

/** What start and restart both take: restart keeps the previous value of each one not given. */
const LAUNCH_FLAGS = {
  port: { type: 'string', value: '<port>', description: 'Listen port (default 8090, or "set port")' },
  'nano-url': {
    type: 'string',
    value: '<url>',
    description: 'Target Nano BPM engine to analyse (default http://localhost:8080)',
  },
  binary: {
    type: 'string',
    value: '<path>',
    description: 'ProcessOS binary (overrides "set bin", PROCESSOS_BINARY and any download URL)',
  },
  'spawn-nano': {
    type: 'boolean',
    description: 'Spawn a pilot engine from the nano binary (default when one is found)',
  },
  'no-spawn-nano': { type: 'boolean', description: 'No pilot engine: use the target engine for experiments too' },
  timeout: {
    type: 'string',
    value: '<seconds>',
    description: 'How long to wait for /health (default 60, at most 86400)',
  },
} as const satisfies Readonly<Record<string, FlagSpec>>;

export const PROCESSOS_SUBCOMMANDS = [
  {
    name: 'start',
    summary: 'Start ProcessOS (with its own pilot engine unless --no-spawn-nano) and wait until /health answers',
    positionals: [],
    flags: { ...LAUNCH_FLAGS, force: { type: 'boolean', description: 'Stop a running ProcessOS first' } },
    examples: [
      { args: 'start', description: 'ProcessOS on 8090 against the engine on 8080, with a pilot engine' },
      {
        args: 'start --nano-url http://localhost:9000 --no-spawn-nano',
        description: 'Against another engine, no pilot',
      },
    ],
  },
  {
    name: 'status',
    summary: 'Show whether ProcessOS runs and answers /health (exit 0 running, 2 degraded, 3 stopped)',
    positionals: [],
    flags: {},
    examples: [{ args: 'status --json', description: 'As JSON' }],
  },
  {
    name: 'stop',
    summary: 'Stop ProcessOS and everything it spawned (its pilot engine too); logs are kept',
    positionals: [],
    flags: {
      timeout: {
        type: 'string',
        value: '<seconds>',
        description: 'Grace period before it is killed (default 10, at most 86400)',
      },
    },
    examples: [{ args: 'stop', description: 'Stop the server and its pilot engine' }],
  },
  {
    name: 'restart',
    summary: 'Stop and start again with the same settings unless flags change them',
    positionals: [],
    flags: LAUNCH_FLAGS,
    examples: [{ args: 'restart', description: 'Fresh process, same settings' }],
  },
  {
    name: 'logs',
    summary: 'Print the ProcessOS log; -f follows new output until Ctrl-C',
    positionals: [],
    flags: {
      follow: { type: 'boolean', short: 'f', description: 'Keep printing new lines until Ctrl-C' },
      lines: {
        type: 'string',
        short: 'n',
        value: '<count>',
        description: 'How many of the last lines to print first (default 50)',
      },
    },
    examples: [{ args: 'logs -f', description: 'Follow the server log' }],
  },
  {
    name: 'set',
    summary:
      'Save a setting: bin <path>, port <n>, nano-url <url>, data-dir <path>, download-url <manifest-url> ("" removes it), env KEY=VALUE (KEY= removes it)',
    positionals: [
      { name: 'key', description: 'bin | port | nano-url | data-dir | download-url | env' },
      { name: 'value', description: 'the value (for env: KEY=VALUE)' },
    ],
    flags: {},
    examples: [
      { args: 'set bin ~/Downloads/processos', description: 'Use the ProcessOS binary you downloaded' },
      {
        args: 'set download-url https://example.com/processos/manifest.json',
        description: 'Download ProcessOS from a release manifest at start (checked, kept up to date)',
      },
      { args: 'set env PROCESSOS_LLM_MODEL=small', description: 'Pass a variable to the server' },
    ],
  },
  {
    name: 'config',
    summary: 'Show the ProcessOS settings, the binaries that would run now and where everything lives',
    positionals: [],
    flags: {},
    examples: [{ args: 'config --json', description: 'Everything, as JSON' }],
  },
] as const satisfies readonly SubcommandSpec[];

export type ProcessosSubcommand = (typeof PROCESSOS_SUBCOMMANDS)[number]['name'];

/** The flags processos's subcommand `Name` receives. */
export type ProcessosFlags<Name extends ProcessosSubcommand> = SubcommandFlags<typeof PROCESSOS_SUBCOMMANDS, Name>;

export const PROCESSOS: CommandSpec = {
  name: 'processos',
  description: 'Start, inspect and stop a local ProcessOS server that analyses a Nano BPM engine',
  subcommands: PROCESSOS_SUBCOMMANDS,
};
