// Effects on the state home: finding the platform default and creating private directories.
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { layoutFor, resolveHome, type Layout } from './layout.js';

/** env-paths is loaded only when C8CTL_NANO_HOME does not already say where the home is. */
export async function homeLayout(env: NodeJS.ProcessEnv, cwd: string): Promise<Layout> {
  const overridden = (env.C8CTL_NANO_HOME ?? '').trim() !== '';
  const envPaths = overridden ? undefined : (await import('env-paths')).default;
  return layoutFor(resolveHome({ env, cwd, platformDataDir: () => envPaths!('c8ctl-nano', { suffix: '' }).data }));
}

/**
 * Creates a directory (and missing parents) readable only by the user. Directories that already
 * existed keep their mode: a user-chosen workspace is theirs to share. Returns the topmost directory
 * it created (so a failed command can remove it again), or undefined when all existed. Synchronous
 * inside: a start makes several such directories, and each promise-API call is a thread-pool round
 * trip for a system call of microseconds.
 */
export async function ensurePrivateDir(dir: string): Promise<string | undefined> {
  const created = makeDirs(dir);
  // mkdir's mode is filtered by the umask; set it exactly on the directory we made.
  if (created !== undefined) chmodSync(dir, 0o700);
  return created;
}

function makeDirs(dir: string): string | undefined {
  try {
    return mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    // Node reports ENOENT for the leaf when a missing parent cannot be made (on a read-only disk,
    // say): make the parent on its own to surface the real cause, then this one.
    const parent = path.dirname(dir);
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === dir) throw error;
    const top = makeDirs(parent);
    mkdirSync(dir, { mode: 0o700 });
    return top ?? dir;
  }
}
