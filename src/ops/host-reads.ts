// What the cluster operations read from the machine beyond the command context's Effects: the wall
// clock for dates a person reads, and the files and facts a failed start's message quotes. One narrow
// dependency with real defaults, so unit tests can pin the date and fake the log a node left.
import { hostGlibcVersion } from '../binary/host.js';
import { readFrom } from '../logs/tail.js';
import { freeBytes } from '../os/disk-space.js';
import { logOffset } from '../os/spawn-node.js';

export interface HostReads {
  /**
   * The one wall clock of these operations: real dates written into files and logs (a state's
   * createdAt, a log banner, a backup's or a set-aside file's name). Durations and waits use
   * ctx.effects.now and ctx.effects.sleep instead.
   */
  readonly date: () => Date;
  /** A log's size now: where the next run's output starts (0 when it does not exist). */
  readonly logSize: (file: string) => number;
  /** A log from byte `offset` on ('' when it cannot be read). */
  readonly readLogFrom: (file: string, offset: number) => Promise<string>;
  /** Bytes still writable on the disk holding `dir`, undefined when unknown. */
  readonly freeBytes: (dir: string) => Promise<number | undefined>;
  /** The host's glibc version (for a binary that needs a newer one), undefined when not glibc. */
  readonly hostGlibc: () => string | undefined;
}

export const realHostReads: HostReads = {
  date: () => new Date(),
  logSize: logOffset,
  readLogFrom: readFrom,
  freeBytes,
  hostGlibc: hostGlibcVersion,
};
