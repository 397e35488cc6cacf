// The nano command's grammar as data: subcommands, their flags and examples. The parser, the help
// text and the c8ctl metadata are all derived from this, so they cannot disagree. No work at import:
// the plugin entry may load it on every c8ctl invocation.
import { CLUSTER_SUBCOMMANDS } from './nano-cluster.js';
import { DRILL_SUBCOMMANDS } from './nano-drill.js';
import { FAULT_SUBCOMMANDS } from './nano-faults.js';
import { TOOL_SUBCOMMANDS } from './nano-tools.js';
import type { CommandSpec, SubcommandFlags, SubcommandSpec } from './types.js';

export const NANO_SUBCOMMANDS = [
  ...CLUSTER_SUBCOMMANDS,
  ...FAULT_SUBCOMMANDS,
  ...DRILL_SUBCOMMANDS,
  ...TOOL_SUBCOMMANDS,
] as const;

export type NanoSubcommand = (typeof NANO_SUBCOMMANDS)[number]['name'];

/** The flags nano's subcommand `Name` receives. */
export type NanoFlags<Name extends NanoSubcommand> = SubcommandFlags<typeof NANO_SUBCOMMANDS, Name>;

export const NANO: CommandSpec = {
  name: 'nano',
  description: 'Start, inspect and stop a local Nano BPM cluster',
  subcommands: NANO_SUBCOMMANDS,
};

export function findSubcommand(name: string, command: CommandSpec = NANO): SubcommandSpec | undefined {
  return command.subcommands.find((s) => s.name === name);
}
