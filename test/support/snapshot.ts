// A byte-for-byte picture of a directory tree, to prove a refused command changed nothing.
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

export interface Entry {
  readonly type: 'dir' | 'file' | 'symlink' | 'other';
  readonly mode: number;
  readonly size: number;
  readonly sha256?: string;
  readonly target?: string;
}

/** Every entry under root (root itself as "."), by relative path: type, mode, size, content hash, link target. */
export async function snapshot(root: string): Promise<Record<string, Entry>> {
  const out: Record<string, Entry> = {};
  const visit = async (rel: string): Promise<void> => {
    const full = rel === '.' ? root : path.join(root, rel);
    const stats = await lstat(full);
    const base = { mode: stats.mode, size: stats.size };
    if (stats.isSymbolicLink()) {
      out[rel] = { type: 'symlink', ...base, target: await readlink(full) };
    } else if (stats.isFile()) {
      out[rel] = { type: 'file', ...base, sha256: createHash('sha256').update(await readFile(full)).digest('hex') };
    } else if (stats.isDirectory()) {
      out[rel] = { type: 'dir', ...base };
      for (const name of (await readdir(full)).sort()) await visit(rel === '.' ? name : path.join(rel, name));
    } else {
      out[rel] = { type: 'other', ...base };
    }
  };
  await visit('.');
  return out;
}
