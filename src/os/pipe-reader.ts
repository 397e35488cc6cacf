// Whether anyone still reads the pipe our stdout writes into. A gone reader is otherwise noticed only
// at the next write (EPIPE), and a follower with nothing to write (`logs -f | grep -m1 ready` whose
// match was in the backlog) would wait on forever. Linux only: /proc names every open end of a pipe
// (`pipe:[inode]`) and how it was opened (fdinfo `flags`); elsewhere nothing is watched.
import { fstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

const O_ACCMODE = 3;
const O_WRONLY = 1;

/** Pure: does an fdinfo text say the descriptor can read (opened O_RDONLY or O_RDWR)? */
export function readsFrom(fdinfo: string): boolean {
  const flags = /^flags:\s*([0-7]+)/m.exec(fdinfo);
  return flags !== null && (parseInt(flags[1]!, 8) & O_ACCMODE) !== O_WRONLY;
}

/** Another process holding `pipe:[inode]` open for reading; its pid, or undefined. */
export function pipeReader(inode: number, self: number = process.pid, proc = '/proc'): number | undefined {
  const target = `pipe:[${inode}]`;
  for (const entry of readdirSync(proc)) {
    if (!/^\d+$/.test(entry) || Number(entry) === self) continue;
    let fds: string[];
    try {
      fds = readdirSync(`${proc}/${entry}/fd`);
    } catch {
      continue; // gone, or not ours to look at (such a process cannot hold our pipe unless root)
    }
    for (const fd of fds) {
      try {
        if (
          readlinkSync(`${proc}/${entry}/fd/${fd}`) === target &&
          readsFrom(readFileSync(`${proc}/${entry}/fdinfo/${fd}`, 'utf8'))
        )
          return Number(entry);
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}

/**
 * Aborted once nobody reads the pipe on `fd` any more (checked every `intervalMs`), or never when `fd`
 * is not a pipe or this is not Linux. The timer does not keep the process alive.
 */
export function whenPipeReaderGone(
  fd: number,
  intervalMs = 1_000,
  platform: NodeJS.Platform = process.platform,
): AbortSignal | undefined {
  if (platform !== 'linux') return undefined;
  let inode: number;
  try {
    const stats = fstatSync(fd);
    if (!stats.isFIFO()) return undefined;
    inode = stats.ino;
  } catch {
    return undefined;
  }
  const gone = new AbortController();
  const timer = setInterval(() => {
    if (pipeReader(inode) === undefined) {
      clearInterval(timer);
      gone.abort();
    }
  }, intervalMs);
  timer.unref();
  return gone.signal;
}
