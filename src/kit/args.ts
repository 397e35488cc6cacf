// What a verb gets from the command line: positionals and flags, already checked against the
// grammar (src/grammar/) by cli/args.ts. Here, below every verb, so verbs need nothing from cli. The
// flags are typed by the subcommand's own declaration: `args.flags.timeout` on a subcommand without
// --timeout, or a misspelt flag, does not compile.
import type { NanoFlags, NanoSubcommand } from '../grammar/nano.js';
import type { ProcessosFlags, ProcessosSubcommand } from '../grammar/processos.js';

export interface ParsedArgs<Flags = Readonly<Record<string, string | boolean | undefined>>> {
  readonly positionals: readonly string[];
  readonly flags: Flags;
}

/** What nano's subcommand `Name` is handed. */
export type NanoArgs<Name extends NanoSubcommand> = ParsedArgs<NanoFlags<Name>>;

/** What processos's subcommand `Name` is handed. */
export type ProcessosArgs<Name extends ProcessosSubcommand> = ParsedArgs<ProcessosFlags<Name>>;
