// Effects on the state home: finding the platform default and creating private directories.
import { chmod, mkdir } from 'node:fs/promises';
import { layoutFor, resolveHome, type Layout } from './layout.js';

/** env-paths is loaded only when C8CTL_NANO_HOME does not already say where the home is. */
export async function homeLayout(env: NodeJS.ProcessEnv, cwd: string): Promise<Layout> {
  const overridden = (env.C8CTL_NANO_HOME ?? '').trim() !== '';
  const envPaths = overridden ? undefined : (await import('env-paths')).default;
  return layoutFor(resolveHome({ env, cwd, platformDataDir: () => envPaths!('c8ctl-nano', { suffix: '' }).data }));
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
