// How much space is left for us on the disk holding a path: the OS's word on "the disk is full",
// where an engine's own message may only say "disk I/O error".
import { statfs } from 'node:fs/promises';

/** Bytes an unprivileged user may still write on the file system of `dir`, or undefined if unknown. */
export async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const stats = await statfs(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}
