// Real file-system faults for tests run as root (root bypasses permission bits, so a chmod proves
// nothing): a small tmpfs to fill up, a read-only remount, an immutable folder. Everything lives
// under a per-test temp dir and is undone by the returned cleanup, even after a failed assertion.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const IS_ROOT = process.getuid?.() === 0;

export interface TestMount {
  /** The mount point: an empty tmpfs. */
  readonly dir: string;
  remountReadOnly(): void;
  /** chattr +i: not even root may add or remove entries. */
  makeImmutable(target: string): void;
  /** Fills the file system, leaving `bytes` (whole 4 KiB pages on tmpfs) free. */
  fill(bytes: number): Promise<void>;
  cleanup(): Promise<void>;
}

const run = (command: string, args: readonly string[]): void => {
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

export async function tmpfsMount(sizeKiB = 1024): Promise<TestMount> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'nano mount é-'));
  const dir = path.join(root, 'mnt');
  await mkdir(dir);
  run('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0755`, 'tmpfs', dir]);
  const immutable: string[] = [];
  return {
    dir,
    remountReadOnly: () => run('mount', ['-o', 'remount,ro', dir]),
    makeImmutable: (target) => {
      run('chattr', ['+i', target]);
      immutable.push(target);
    },
    async fill(bytes) {
      const { bavail, bsize } = await statfs(dir);
      await writeFile(path.join(dir, '.fill'), Buffer.alloc(Math.max(0, bavail * bsize - bytes)));
    },
    async cleanup() {
      for (const target of immutable) {
        try {
          run('chattr', ['-i', target]);
        } catch {
          // gone with the mount, or never set
        }
      }
      try {
        run('umount', [dir]);
      } catch {
        run('umount', ['-l', dir]); // still busy (a process left in it): detach now, freed when it exits
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}
