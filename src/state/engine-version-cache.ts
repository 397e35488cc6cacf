// The engine's `--version` answer, remembered per binary in the home, so a start does not spawn the
// 94 MB engine once more just to ask what it already said. A binary is known by its real path plus
// size, mtime, ctime and inode: touching, rewriting, replacing or chmod-ing it changes one of them,
// and then it is asked again. Only successful answers are stored; a failing check never is.
import { realpathSync, statSync } from 'node:fs';
import { readTrustedJsonFile, writeFileAtomic } from './files.js';

export interface BinaryIdentity {
  readonly realPath: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
}

export interface VersionCacheEntry {
  readonly binary: BinaryIdentity;
  readonly version: string;
}

export interface VersionCache {
  readonly schema: 1;
  readonly entries: readonly VersionCacheEntry[];
}

/** A few binaries (the package's, a local build, a --binary) are plenty; older entries fall out. */
const MAX_ENTRIES = 8;

export const EMPTY_VERSION_CACHE: VersionCache = { schema: 1, entries: [] };

/** Same file, unchanged since it was asked. Pure. */
export function sameBinary(a: BinaryIdentity, b: BinaryIdentity): boolean {
  return (
    a.realPath === b.realPath &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.ctimeMs === b.ctimeMs &&
    a.ino === b.ino
  );
}

/** The remembered version for this binary, or undefined when it must be asked. Pure. */
export function cachedVersion(cache: VersionCache, binary: BinaryIdentity): string | undefined {
  return cache.entries.find((e) => sameBinary(e.binary, binary))?.version;
}

/** The cache with this binary's answer, replacing any older answer for the same path. Pure. */
export function withVersion(cache: VersionCache, binary: BinaryIdentity, version: string): VersionCache {
  const others = cache.entries.filter((e) => e.binary.realPath !== binary.realPath);
  return { schema: 1, entries: [{ binary, version }, ...others].slice(0, MAX_ENTRIES) };
}

/** What identifies the file behind a path now; undefined if it cannot be read (then nothing is cached). */
export async function binaryIdentity(file: string): Promise<BinaryIdentity | undefined> {
  try {
    // Synchronous: two metadata calls on every start, each a thread-pool round trip otherwise.
    const realPath = realpathSync(file);
    const s = statSync(realPath);
    return { realPath, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino };
  } catch {
    return undefined;
  }
}

function isIdentity(value: unknown): value is BinaryIdentity {
  const v = value as Record<string, unknown> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.realPath === 'string' &&
    (['size', 'mtimeMs', 'ctimeMs', 'ino'] as const).every((k) => typeof v[k] === 'number')
  );
}

/** The cache file; missing, corrupt or of another shape reads as empty (it is only ever a shortcut). */
export async function readVersionCache(file: string): Promise<VersionCache> {
  let read;
  try {
    read = await readTrustedJsonFile(file); // one others could write is ignored, never trusted
  } catch {
    return EMPTY_VERSION_CACHE;
  }
  if (read.kind !== 'ok') return EMPTY_VERSION_CACHE;
  const value = read.value as { schema?: unknown; entries?: unknown } | null;
  if (value === null || typeof value !== 'object' || value.schema !== 1 || !Array.isArray(value.entries))
    return EMPTY_VERSION_CACHE;
  const entries = value.entries.filter(
    (e): e is VersionCacheEntry =>
      isIdentity((e as VersionCacheEntry)?.binary) && typeof (e as VersionCacheEntry).version === 'string',
  );
  return { schema: 1, entries };
}

export async function writeVersionCache(file: string, cache: VersionCache): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(cache, null, 2)}\n`, 0o600);
}
