// What a start creates on disk, so a start that fails on its environment (a full disk, a read-only
// folder) can leave the home as it found it: directories it made are removed again, logs it created
// are removed and logs it appended to are cut back to their old length.
import { statSync } from 'node:fs';
import { rm, rmdir, truncate } from 'node:fs/promises';
import path from 'node:path';
import { ensurePrivateDir } from './home.js';

export class DiskUndo {
  private readonly dirs: string[] = [];
  private readonly files = new Map<string, number | null>();

  /** ensurePrivateDir, remembering the topmost directory it had to create. */
  async ensureDir(dir: string): Promise<void> {
    const created = await ensurePrivateDir(dir);
    if (created !== undefined) this.dirs.push(created);
  }

  /** Call before a file is created or appended to: its size now, or that it did not exist. */
  async noteFile(file: string): Promise<void> {
    if (this.files.has(file)) return;
    // Synchronous, as ensurePrivateDir is: one stat per node log, on the way to spawning.
    let size: number | null = null;
    try {
      size = statSync(file, { throwIfNoEntry: false })?.size ?? null;
    } catch {
      // unreadable: as if new (the spawn that follows reports why it cannot open it)
    }
    this.files.set(file, size);
  }

  /**
   * Puts back what was noted; best effort, since it runs while another error is being reported.
   * Only for a start whose processes are already stopped: their data dirs go with the dirs removed.
   */
  async undo(): Promise<void> {
    for (const [file, size] of this.files) {
      await (size === null ? rm(file, { force: true }) : truncate(file, size)).catch(() => undefined);
    }
    for (const dir of this.dirs.reverse()) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Removes `dir` and its parents up to and including `top` while they are empty: a home a failed start
 * made. Never recursive, so a file someone else put there meanwhile keeps it.
 */
export async function removeEmptyDirs(dir: string, top: string): Promise<void> {
  const inside = (d: string): boolean => d === top || d.startsWith(`${top}${path.sep}`);
  for (let current = dir; inside(current); current = path.dirname(current)) {
    if (
      !(await rmdir(current).then(
        () => true,
        () => false,
      ))
    )
      return;
  }
}
