// Our standard output and error without Node's stdio streams. process.stdin/stdout/stderr are built on
// first touch, and building them loads Node's stream and net stacks: 4-6 ms of every command here whose
// output is a pipe or whose stdin is /dev/null (docs/benchmarks.md). On POSIX a write to a pipe, file
// or terminal is synchronous in Node anyway, so writeSync shows the same bytes in the same order.
// Windows keeps Node's streams: its console needs WriteConsoleW for text outside the code page.
import { fstatSync, writeSync } from 'node:fs';
import { tty } from './builtins.js';
import type { TextSink } from '../output.js';

export interface FdSink extends TextSink {
  readonly isTTY: boolean;
  /** Resolves once everything written has reached the descriptor (at once unless it fell back to a stream). */
  flushed(): Promise<void>;
  /** Why writing stopped, when the descriptor refused it (a full disk): the rest was dropped. */
  readonly failure: NodeJS.ErrnoException | undefined;
  /** Aborted when writing stopped for good: the reader went away, or the descriptor refused. */
  readonly closed: AbortSignal;
}

/**
 * Whether `fd` is a terminal. A pipe or a file never is, and fstat says so in one call, where
 * node:tty has to load the net stack first (about 2 ms).
 */
export function isTerminal(fd: number): boolean {
  if (process.platform !== 'win32') {
    try {
      if (!fstatSync(fd).isCharacterDevice()) return false;
    } catch {
      return false; // closed: no terminal there
    }
  }
  return tty().isatty(fd);
}

/**
 * A sink writing to `fd` with writeSync. It hands over to Node's stream (`stream()`, only then built)
 * on Windows, and when a non-blocking pipe is full (EAGAIN): the stream waits for the reader. A reader
 * that went away (EPIPE, `status | head -3`) or a closed descriptor is not our error: the rest is
 * dropped quietly. Any other refusal (ENOSPC, EIO) drops the rest too, and is kept in `failure`.
 */
export function fdSink(fd: number, stream: () => NodeJS.WriteStream): FdSink {
  let fallback: NodeJS.WriteStream | undefined;
  let failure: NodeJS.ErrnoException | undefined;
  let terminal: boolean | undefined;
  // Aborted when writing has stopped for good; nothing more is written once it is.
  const ended = new AbortController();
  const refused = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE' && error.code !== 'EBADF') failure ??= error;
    ended.abort();
  };
  const useStream = (): NodeJS.WriteStream => {
    if (fallback === undefined) {
      fallback = stream();
      fallback.on('error', refused);
    }
    return fallback;
  };
  if (process.platform === 'win32') useStream();
  return {
    get isTTY() {
      terminal ??= fallback !== undefined ? fallback.isTTY === true : isTerminal(fd);
      return terminal;
    },
    write(text) {
      if (ended.signal.aborted) return;
      if (fallback !== undefined) return void fallback.write(text);
      let bytes = Buffer.from(text, 'utf8');
      while (bytes.length > 0) {
        try {
          bytes = bytes.subarray(writeSync(fd, bytes));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') useStream().write(bytes);
          else refused(error as NodeJS.ErrnoException);
          return;
        }
      }
    },
    get failure() {
      return failure;
    },
    closed: ended.signal,
    async flushed() {
      while (fallback !== undefined && !ended.signal.aborted && fallback.writableLength > 0)
        await new Promise((resolve) => setTimeout(resolve, 1));
    },
  };
}
