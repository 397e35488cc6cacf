// The shape flags `start`, `restart` and `export` share (declared once in cli/spec.ts), as the raw
// values start-options.ts validates.
import { stringFlag, type ParsedArgs } from './args.js';
import type { RawStartArgs } from '../cluster/start-options.js';

export type RawShapeArgs = Pick<
  RawStartArgs,
  'port' | 'partitions' | 'rf' | 'raft' | 'capture' | 'replication' | 'inMemory' | 'historyMax' | 'console'
>;

export function shapeFlags(args: ParsedArgs): RawShapeArgs {
  return {
    port: stringFlag(args, 'port'),
    partitions: stringFlag(args, 'partitions'),
    rf: stringFlag(args, 'rf'),
    raft: args.flags.raft === true,
    capture: args.flags.capture === true,
    replication: stringFlag(args, 'replication'),
    inMemory: args.flags['in-memory'] === true,
    historyMax: stringFlag(args, 'history-max'),
    console: stringFlag(args, 'console'),
  };
}
