// Strict argument parsing for one subcommand. node:util's parseArgs tokenizes; we check the tokens
// ourselves so each mistake gets a message naming the bad value and the fix.
import { parseArgs } from 'node:util';
import { invalidArgument, type UserError } from '../errors.js';
import type { ParsedArgs } from '../kit/args.js';
import { COMMON_FLAGS, type FlagSpec, type SubcommandSpec } from '../grammar/types.js';

/** Edit distance counting a swap of neighbours as one edit ("strat" → "start"), for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

type OptionToken = Extract<NonNullable<ReturnType<typeof parseArgs>['tokens']>[number], { kind: 'option' }>;

/** The error for a flag the subcommand does not have: a negative number named as typed, or the nearest flag. */
function unknownFlag(
  token: OptionToken,
  argv: readonly string[],
  command: string,
  known: readonly string[],
): UserError {
  if (/^-\d/.test(token.rawName)) {
    // parseArgs splits "-10" into short options; name what the user actually typed.
    const typed = argv[token.index] ?? token.rawName;
    return invalidArgument(
      `"${typed}" is not valid for ${command}: no argument here is negative (node ids start at 0, counts and ports at 1).`,
    );
  }
  const guess = closest(token.rawName, known);
  return invalidArgument(
    `Unknown flag ${token.rawName} for ${command}.${guess ? ` Did you mean ${guess}?` : ''} Flags: ${known.join(', ')}.`,
  );
}

/** A known flag's value: true for a switch, the text for a valued flag; each misuse refused, naming it. */
function flagValue(token: OptionToken, flag: FlagSpec): string | boolean {
  const display = `--${token.name}`;
  if (flag.type === 'boolean') {
    if (token.inlineValue)
      throw invalidArgument(
        `${display} takes no value (got "${token.rawName}=${token.value}"); write just ${display}.`,
      );
    return true;
  }
  const value = token.value;
  const looksLikeFlag = !token.inlineValue && value !== undefined && value.startsWith('--');
  if (value === undefined || value === '' || looksLikeFlag) {
    throw invalidArgument(`${display} needs a value, e.g. ${display} ${flag.value ?? '<value>'}.`);
  }
  return value;
}

/** Refuses positionals beyond what the subcommand takes. */
function checkPositionalCount(spec: SubcommandSpec, positionals: readonly string[], command: string): void {
  if (positionals.length <= spec.positionals.length) return;
  const extra = positionals[spec.positionals.length];
  const expected =
    spec.positionals.length === 0
      ? 'takes no arguments'
      : `takes at most ${spec.positionals.length} (${spec.positionals.map((p) => p.name).join(', ')})`;
  throw invalidArgument(`Unexpected argument "${extra}": ${command} ${expected}. See ${command} --help.`);
}

export function parseSubcommandArgs(spec: SubcommandSpec, argv: readonly string[], prog: string): ParsedArgs {
  const flagSpecs: Record<string, FlagSpec> = { ...spec.flags, ...COMMON_FLAGS };
  const options = Object.fromEntries(
    Object.entries(flagSpecs).map(([name, f]) => [name, f.short ? { type: f.type, short: f.short } : { type: f.type }]),
  );
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const command = `${prog} ${spec.name}`;
  const known = Object.keys(flagSpecs).map((n) => `--${n}`);

  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const flag = flagSpecs[token.name];
    if (!flag) throw unknownFlag(token, argv, command, known);
    if (Object.hasOwn(flags, token.name) && token.name !== 'help') {
      throw invalidArgument(`--${token.name} is given more than once for ${command}; give it once.`);
    }
    flags[token.name] = flagValue(token, flag);
  }
  if (!flags.help) checkPositionalCount(spec, positionals, command);
  return { positionals, flags };
}
