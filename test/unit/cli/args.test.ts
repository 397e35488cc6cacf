import { describe, expect, it } from 'vitest';
import { closest, parseSubcommandArgs } from '../../../src/cli/args.js';
import { findSubcommand } from '../../../src/grammar/nano.js';
import type { SubcommandSpec } from '../../../src/grammar/types.js';
import { UserError } from '../../../src/errors.js';

function spec(name: string): SubcommandSpec {
  const found = findSubcommand(name);
  if (!found) throw new Error(`no subcommand ${name}`);
  return found;
}

const parse = (name: string, argv: string[]) => parseSubcommandArgs(spec(name), argv, 'c8ctl nano');

function parseError(name: string, argv: string[]): UserError {
  try {
    parse(name, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    const e = error as UserError;
    expect(e.code).toBe('invalid-argument');
    expect(e.exitCode).toBe(1);
    return e;
  }
  throw new Error(`expected ${name} ${argv.join(' ')} to fail`);
}

describe('parseSubcommandArgs accepts', () => {
  it('no arguments', () => {
    expect(parse('start', [])).toEqual({ positionals: [], flags: {} });
  });

  it('--port 9000', () => {
    expect(parse('start', ['--port', '9000']).flags).toEqual({ port: '9000' });
  });

  it('--port=9000', () => {
    expect(parse('start', ['--port=9000']).flags).toEqual({ port: '9000' });
  });

  it('a positional with flags around it', () => {
    expect(parse('start', ['--rf', '3', '3', '--raft'])).toEqual({
      positionals: ['3'],
      flags: { rf: '3', raft: true },
    });
  });

  it('booleans', () => {
    expect(parse('start', ['--raft', '--capture', '--force']).flags).toEqual({
      raft: true,
      capture: true,
      force: true,
    });
    expect(parse('stop', ['--purge']).flags).toEqual({ purge: true });
  });

  it('--json on every subcommand', () => {
    for (const name of ['start', 'status', 'stop']) expect(parse(name, ['--json']).flags).toEqual({ json: true });
  });

  it('-h and --help as help', () => {
    expect(parse('status', ['-h']).flags).toEqual({ help: true });
    expect(parse('status', ['--help']).flags).toEqual({ help: true });
    expect(parse('status', ['-h', '--help']).flags).toEqual({ help: true });
  });

  it('extra positionals together with --help (help is shown instead)', () => {
    expect(parse('stop', ['now', '--help']).flags.help).toBe(true);
  });

  it('a flag value that starts with one dash when given inline', () => {
    expect(parse('start', ['--binary=--odd']).flags).toEqual({ binary: '--odd' });
  });
});

describe('parseSubcommandArgs rejects', () => {
  it('an unknown flag, suggesting the close one', () => {
    const e = parseError('start', ['--prot', '9000']);
    expect(e.message).toContain('--prot');
    expect(e.message).toContain('Did you mean --port?');
  });

  it('an unknown flag with no close match, without a guess', () => {
    const e = parseError('start', ['--zzzzzzzzzz']);
    expect(e.message).toContain('--zzzzzzzzzz');
    expect(e.message).not.toContain('Did you mean');
  });

  it('a flag of another subcommand', () => {
    const e = parseError('stop', ['--port', '9000']);
    expect(e.message).toContain('Unknown flag --port');
  });

  it('a flag missing its value at the end', () => {
    const e = parseError('start', ['--port']);
    expect(e.message).toContain('--port needs a value');
  });

  it('a flag whose value is another flag', () => {
    const e = parseError('start', ['--port', '--rf', '3']);
    expect(e.message).toContain('--port needs a value');
  });

  it('an empty inline value', () => {
    const e = parseError('start', ['--port=']);
    expect(e.message).toContain('--port needs a value');
  });

  it('a boolean with a value', () => {
    const e = parseError('start', ['--force=yes']);
    expect(e.message).toContain('--force takes no value');
    expect(e.message).toContain('--force=yes');
  });

  it('a duplicate flag', () => {
    const e = parseError('start', ['--port', '1', '--port', '2']);
    expect(e.message).toContain('--port is given more than once');
  });

  it('too many positionals', () => {
    const e = parseError('start', ['3', '4']);
    expect(e.message).toContain('"4"');
    expect(e.message).toContain('at most 1');
  });

  it('a positional for a subcommand that takes none', () => {
    const e = parseError('stop', ['now']);
    expect(e.message).toContain('"now"');
    expect(e.message).toContain('takes no arguments');
  });

  it('a negative number', () => {
    const e = parseError('start', ['-3']);
    expect(e.message).toContain('"-3"');
    expect(e.message).not.toContain('Unknown flag');
  });

  it('a negative number of several digits, named as typed', () => {
    expect(parseError('start', ['-10']).message).toContain('"-10"');
    expect(parseError('start', ['--rf', '2', '-3.5']).message).toContain('"-3.5"');
  });
});

describe('closest', () => {
  const flags = ['--port', '--partitions', '--rf', '--raft'];

  it('finds a typo', () => {
    expect(closest('--prot', flags)).toBe('--port');
    expect(closest('--partitons', flags)).toBe('--partitions');
    expect(closest('--rft', flags)).toBe('--rf');
  });

  it('returns undefined when nothing is close', () => {
    expect(closest('--verbose', flags)).toBeUndefined();
    expect(closest('x', [])).toBeUndefined();
  });

  it('returns an exact match', () => {
    expect(closest('--raft', flags)).toBe('--raft');
  });

  it('allows more edits for longer words', () => {
    // 2 edits: allowed for a 6+ character word, not for a 3-5 character one.
    expect(closest('abcdef', ['abcdxy'])).toBe('abcdxy');
    expect(closest('abc', ['axy'])).toBeUndefined();
    expect(closest('abc', ['abx'])).toBe('abx');
  });
});
