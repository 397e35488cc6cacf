// Help text rendered from the command spec.
import { COMMON_FLAGS, type CommandSpec, type FlagSpec, type SubcommandSpec } from '../grammar/types.js';

/** Two columns, the right one lined up after the widest left entry. */
function columns(rows: ReadonlyArray<readonly [string, string]>, indent = '  '): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`);
}

function flagLines(flags: Readonly<Record<string, FlagSpec>>): string[] {
  return columns(
    Object.entries(flags).map(
      ([name, f]) =>
        [`${f.short ? `-${f.short}, ` : ''}--${name}${f.value ? ` ${f.value}` : ''}`, f.description] as const,
    ),
  );
}

/** Example lines, descriptions lined up after the commands (28 to 44 wide; a longer command just gets two spaces). */
function exampleLines(
  prog: string,
  examples: ReadonlyArray<{ readonly args: string; readonly description: string }>,
): string[] {
  const width = Math.min(44, Math.max(28, ...examples.map((e) => e.args.length)));
  return examples.map((e) => `  ${prog} ${e.args.padEnd(width)}  ${e.description}`);
}

export function topHelp(prog: string, command: CommandSpec): string {
  return [
    `Usage: ${prog} <subcommand> [options]`,
    '',
    `${command.description}.`,
    '',
    'Subcommands:',
    ...columns(command.subcommands.map((s) => [s.name, s.summary] as const)),
    '',
    'Examples:',
    ...exampleLines(
      prog,
      command.subcommands.flatMap((s) => s.examples.slice(0, 1)),
    ),
    '',
    `Every subcommand takes --json and --help. Run "${prog} <subcommand> --help" for its flags.`,
    'State lives in the per-user data directory, or in $C8CTL_NANO_HOME when set.',
  ].join('\n');
}

export function subcommandHelp(prog: string, spec: SubcommandSpec): string {
  const usage = `${prog} ${spec.name}${spec.positionals.map((p) => ` [${p.name}]`).join('')} [options]`;
  return [
    `Usage: ${usage}`,
    '',
    spec.summary,
    ...(spec.positionals.length > 0
      ? ['', 'Arguments:', ...columns(spec.positionals.map((p) => [p.name, p.description] as const))]
      : []),
    '',
    'Options:',
    ...flagLines({ ...spec.flags, ...COMMON_FLAGS }),
    '',
    'Examples:',
    ...exampleLines(prog, spec.examples),
  ].join('\n');
}

/** For c8ctl's `help nano`: it renders helpDescription but not a subcommand list for passthrough commands. */
export function pluginHelpDescription(command: CommandSpec, intro: string): string {
  const usages = command.subcommands.map(
    (s) => [`${s.name}${s.positionals.map((p) => ` [${p.name}]`).join('')}`, s.summary] as const,
  );
  return [intro, '', 'Subcommands:', ...columns(usages)].join('\n');
}

/** One documentation line per subcommand flag, for c8ctl's `flagsHint` (a string[]). */
export function pluginFlagsHint(command: CommandSpec): string[] {
  const rows = command.subcommands.flatMap((s) =>
    Object.entries(s.flags).map(
      ([name, f]) => [`${s.name} --${name}${f.value ? ` ${f.value}` : ''}`, f.description] as const,
    ),
  );
  return [...columns(rows, ''), 'Global --json gives one JSON document on stdout.'];
}
