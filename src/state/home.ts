// Effects on the state home: finding the platform default and creating private directories.
import { chmod, mkdir } from 'node:fs/promises';
import envPaths from 'env-paths';
import { layoutFor, resolveHome, type Layout } from './layout.js';

export function platformDataDir(): string {
  return envPaths('c8ctl-nano', { suffix: '' }).data;
}

export function homeLayout(env: NodeJS.ProcessEnv, cwd: string): Layout {
  return layoutFor(resolveHome({ env, cwd, platformDataDir }));
}

/**
 * Creates a directory (and missing parents) readable only by the user. Directories that already
 * existed keep their mode: a user-chosen workspace is theirs to share.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask; set it exactly on the directory we made.
  if (created !== undefined) await chmod(dir, 0o700);
}
