// The nano subcommands around a cluster: logs, clean, settings, doctor, export, bundle, update.
import { SHAPE_FLAGS } from './shape-flags.js';
import type { SubcommandSpec } from './types.js';

export const TOOL_SUBCOMMANDS = [
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
] as const satisfies readonly SubcommandSpec[];
