// What a verb gets from the command line: positionals and flags, already checked against the
// grammar in cli/spec.ts by cli/args.ts. Here, below every verb, so verbs need nothing from cli.

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: Readonly<Record<string, string | boolean>>;
}

/** A string flag's value, or undefined when absent. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags[name];
  return typeof value === 'string' ? value : undefined;
}
