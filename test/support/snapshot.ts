// Every entry under a folder, by relative path: type, owner, mode, size and content hash, so a test
// can prove a refused command changed nothing at all.
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

export type Snapshot = Record<string, string>;

export async function snapshot(root: string): Promise<Snapshot> {
  const out: Snapshot = {};
  const visit = async (rel: string): Promise<void> => {
    const full = rel === '.' ? root : path.join(root, rel);
    const stats = await lstat(full);
    const base = `uid ${stats.uid} mode ${(stats.mode & 0o7777).toString(8)}`;
    if (stats.isSymbolicLink()) out[rel] = `symlink ${base} -> ${await readlink(full)}`;
    else if (stats.isFile())
      out[rel] = `file ${base} ${stats.size} ${createHash('sha256')
        .update(await readFile(full))
        .digest('hex')}`;
    else if (stats.isDirectory()) {
      out[rel] = `dir ${base}`;
      for (const name of (await readdir(full)).sort()) await visit(rel === '.' ? name : path.join(rel, name));
    } else out[rel] = `other ${base}`;
  };
  await visit('.');
  return out;
}
