// Node built-ins that only some commands use, loaded on first use. In the bundled bins every static
// import is evaluated at start-up, and tls (https), crypto and child_process cost about 10 ms together
// on every command, `status` and `--version` included (docs/benchmarks.md).
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const require = createRequire(import.meta.url);

export const childProcess = (): typeof import('node:child_process') =>
  require('node:child_process') as typeof import('node:child_process');
export const crypto = (): typeof import('node:crypto') => require('node:crypto') as typeof import('node:crypto');
/** node:fs/promises loads readline and the fs watchers with it (about 1.5 ms): for commands that need more than a read. */
export const fsPromises = (): typeof import('node:fs/promises') =>
  require('node:fs/promises') as typeof import('node:fs/promises');
export const https = (): typeof import('node:https') => require('node:https') as typeof import('node:https');
/** node:tty loads the net stack: asked only once a descriptor is known to be a character device (os/stdio.ts). */
export const tty = (): typeof import('node:tty') => require('node:tty') as typeof import('node:tty');

/** execFile, promised, with text output. */
export function execFileText(
  file: string,
  args: readonly string[],
  options: import('node:child_process').ExecFileOptions = {},
): Promise<{ stdout: string; stderr: string }> {
  const run = promisify(childProcess().execFile);
  return run(file, args, { ...options, encoding: 'utf8' });
}
