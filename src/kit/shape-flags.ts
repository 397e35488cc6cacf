// The shape flags `start`, `restart` and `export` share (declared once in grammar/shape-flags.ts), as the raw
// values start-options.ts validates.
import type { RawStartArgs } from '../cluster/start-options.js';
import type { SHAPE_FLAGS } from '../grammar/shape-flags.js';
import type { FlagValues } from '../grammar/types.js';
import type { ParsedArgs } from './args.js';

export type RawShapeArgs = Pick<
  RawStartArgs,
  'port' | 'partitions' | 'rf' | 'raft' | 'capture' | 'replication' | 'inMemory' | 'historyMax' | 'console'
>;

export function shapeFlags(
  args: ParsedArgs<FlagValues<typeof SHAPE_FLAGS> & { readonly port?: string }>,
): RawShapeArgs {
  return {
    port: args.flags.port,
    partitions: args.flags.partitions,
    rf: args.flags.rf,
    raft: args.flags.raft === true,
    capture: args.flags.capture === true,
    replication: args.flags.replication,
    inMemory: args.flags['in-memory'] === true,
    historyMax: args.flags['history-max'],
    console: args.flags.console,
  };
}
