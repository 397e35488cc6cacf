// The grammar types the flags (issue 25): each `@ts-expect-error` below is checked by `npm test`'s
// `tsc -p tsconfig.test.json`, so if a misspelt flag, a flag of another subcommand or a missing
// handler ever compiled again, the type check would fail. The runtime asserts keep vitest honest
// about the parser handing over exactly the declared names.
import { describe, expect, it } from 'vitest';
import { parseSubcommandArgs } from '../../../src/cli/args.js';
import type { NanoHandlers } from '../../../src/cli/main.js';
import { findSubcommand, NANO_SUBCOMMANDS } from '../../../src/grammar/nano.js';
import type { NanoArgs } from '../../../src/kit/args.js';

describe('flags typed from the grammar', () => {
  it('hands a verb its declared flags under their declared names', () => {
    const args = parseSubcommandArgs(
      findSubcommand('stop')!,
      ['--timeout', '5', '--purge'],
      'c8ctl nano',
    ) as NanoArgs<'stop'>;
    const timeout: string | undefined = args.flags.timeout;
    const purge: boolean | undefined = args.flags.purge;
    expect({ timeout, purge }).toEqual({ timeout: '5', purge: true });
    // @ts-expect-error a misspelt flag does not compile
    expect(args.flags.timout).toBeUndefined();
    // @ts-expect-error --watch is status's, not stop's
    expect(args.flags.watch).toBeUndefined();
  });

  it('types a string flag as a string and a boolean flag as a boolean', () => {
    const args = parseSubcommandArgs(
      findSubcommand('start')!,
      ['--rf', '3', '--raft'],
      'c8ctl nano',
    ) as NanoArgs<'start'>;
    // @ts-expect-error --raft is a boolean flag
    const raft: string | undefined = args.flags.raft;
    // @ts-expect-error --rf is a string flag
    const rf: boolean | undefined = args.flags.rf;
    expect({ raft, rf }).toEqual({ raft: true, rf: '3' });
  });

  it('will not build a handler table that misses a subcommand', () => {
    const stop = async (): Promise<number> => 0;
    // @ts-expect-error every other subcommand lacks its handler
    const partial: NanoHandlers = { stop: async () => stop };
    expect(Object.keys(partial)).toHaveLength(1);
    expect(NANO_SUBCOMMANDS.length).toBeGreaterThan(1);
  });
});
