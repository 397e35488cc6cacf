// What a code cache file holds and when it fits: pure. A cache file is one header line (the Node
// version, the CPU and the bundle's size, mtime and inode) and then V8's cached data for that bundle.
// V8 itself rejects data from another V8 or other flags, but it checks the source only by its
// length, so the header ties the data to the exact bundle file it was made from.

export interface BundleFacts {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

export function cacheHeader(nodeVersion: string, arch: string, bundle: BundleFacts): string {
  return JSON.stringify({ node: nodeVersion, arch, bundle: `${bundle.size}:${bundle.mtimeMs}:${bundle.ino}` });
}

/** The cached data after the header, or null when the file was made for another bundle or Node. */
export function cachedDataOf(file: Buffer, header: string): Buffer | null {
  const end = file.indexOf(0x0a);
  if (end < 0 || file.toString('utf8', 0, end) !== header || end + 1 >= file.length) return null;
  return file.subarray(end + 1);
}

export function cacheFileContents(header: string, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${header}\n`, 'utf8'), data]);
}

/**
 * The command a run's cache is kept for: its first word that is not a flag, when that is one of the
 * commands worth a cache (the ones run many times an hour). Each keeps its own file, because the
 * data V8 writes at exit holds the functions that run compiled.
 */
export function cachedCommand(argv: readonly string[], commands: readonly string[]): string | null {
  const first = argv.find((a) => !a.startsWith('-'));
  return first !== undefined && commands.includes(first) ? first : null;
}
