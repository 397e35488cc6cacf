// Noticing, in the link proxy, that the CLI changed the control directory or removed it. fs.watch on
// the directory answers at once where it works, but misses events on some file systems (network and
// container mounts), so a 250 ms poll runs beside it; the caller compares what it reads, so a change
// reported twice costs one read. A directory that is gone (or stopped being a directory) is reported
// once: the CLI removed it, and the proxy's job is over.
import { statSync, watch, type FSWatcher } from 'node:fs';

export const POLL_MS = 250;

export interface WatchHooks {
  /** Something in the directory may have changed. */
  onChange(): void;
  /** The directory is gone. */
  onGone(): void;
  log(line: string): void;
}

/** Watches `dir` until the returned function is called. */
export function watchControlDir(dir: string, hooks: WatchHooks, pollMs = POLL_MS): () => void {
  let stopped = false;
  let watcher: FSWatcher | null = null;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    clearInterval(poll);
    watcher?.close();
  };
  const check = (): void => {
    if (stopped) return;
    if (!isDirectory(dir)) {
      stop();
      hooks.onGone();
      return;
    }
    hooks.onChange();
  };
  const poll = setInterval(check, pollMs);
  try {
    watcher = watch(dir, { persistent: false }, () => check());
    // A watched directory that is removed may end the watch with an error; the poll still sees it.
    watcher.on('error', () => {
      watcher?.close();
      watcher = null;
    });
  } catch (error) {
    hooks.log(
      `watching ${dir} failed (${(error as NodeJS.ErrnoException).code ?? 'unknown'}): polling every ${pollMs} ms only`,
    );
  }
  return stop;
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
