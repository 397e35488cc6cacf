// The types of the grammar (what a subcommand, flag and positional are), and the flag values a verb
// receives derived from them: a verb reads `args.flags.timeout`, and a flag its subcommand does not
// declare, or a misspelt one, fails to compile. No imports, no work at import.

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Placeholder shown in help, e.g. `<port>`. */
  readonly value?: string;
  readonly description: string;
}

export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
}

export interface SubcommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly positionals: readonly PositionalSpec[];
  readonly flags: Readonly<Record<string, FlagSpec>>;
  readonly examples: ReadonlyArray<{ readonly args: string; readonly description: string }>;
}

/** Accepted by every subcommand. */
/** A top-level command (`nano`, `processos`) and its subcommands. */
export interface CommandSpec {
  readonly name: string;
  /** One line for help and for c8ctl's command list. */
  readonly description: string;
  readonly subcommands: readonly SubcommandSpec[];
}

/** Accepted by every subcommand. */
export const COMMON_FLAGS = {
  json: { type: 'boolean', description: 'Print one JSON document on stdout instead of text' },
  help: { type: 'boolean', short: 'h', description: 'Show help for this subcommand' },
} as const satisfies Readonly<Record<string, FlagSpec>>;

type FlagValue<F> = F extends { readonly type: 'boolean' } ? boolean : string;

/** The values of a set of flags as the parser hands them over: absent, or of the flag's type. */
export type FlagValues<Flags> = { readonly [K in keyof Flags]?: FlagValue<Flags[K]> };

/** The flags one subcommand of a grammar receives, the common ones included. */
export type SubcommandFlags<Subcommands extends readonly SubcommandSpec[], Name extends string> = FlagValues<
  Extract<Subcommands[number], { readonly name: Name }>['flags'] & typeof COMMON_FLAGS
>;
