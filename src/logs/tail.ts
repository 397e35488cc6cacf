// Reading the end of a log file without reading all of it, and following it as it grows.
import { open, stat } from 'node:fs/promises';

const CHUNK = 64 * 1024;

/** The last `count` lines (a trailing newline does not make an empty last line). */
export async function readLastLines(file: string, count: number): Promise<string[]> {
  if (count <= 0) return [];
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    const { size } = await handle.stat();
    let position = size;
    let text = '';
    while (position > 0) {
      const length = Math.min(CHUNK, position);
      position -= length;
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, position);
      text = buffer.toString('utf8') + text;
      if (text.split('\n').length > count + 1) break;
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-count);
  } finally {
    await handle.close();
  }
}

export interface FollowedFile {
  readonly node: number;
  readonly file: string;
}

export interface FollowEvents {
  line(node: number, text: string): void;
  notice(node: number, text: string): void;
}

interface Cursor {
  offset: number;
  ino: number | undefined;
  partial: string;
}

/**
 * Polls each file and reports complete new lines until `signal` aborts. A file that shrinks or is
 * replaced (log rotation, a node's log recreated) is read again from its start.
 */
export async function followFiles(files: readonly FollowedFile[], signal: AbortSignal, sleep: (ms: number) => Promise<void>, events: FollowEvents, intervalMs = 200): Promise<void> {
  const cursors = new Map<number, Cursor>();
  for (const { node, file } of files) {
    const s = await stat(file).catch(() => undefined);
    cursors.set(node, { offset: s?.size ?? 0, ino: s?.ino, partial: '' });
  }
  const aborted = new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  while (!signal.aborted) {
    for (const { node, file } of files) {
      const cursor = cursors.get(node)!;
      const s = await stat(file).catch(() => undefined);
      if (!s) continue;
      if (s.size < cursor.offset || (cursor.ino !== undefined && s.ino !== cursor.ino)) {
        events.notice(node, s.ino !== cursor.ino ? 'log file was replaced; reading the new one from its start' : 'log file was truncated; reading from its start');
        Object.assign(cursor, { offset: 0, ino: s.ino, partial: '' });
      }
      cursor.ino = s.ino;
      if (s.size === cursor.offset) continue;
      const handle = await open(file, 'r');
      try {
        const length = s.size - cursor.offset;
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, cursor.offset);
        cursor.offset += bytesRead;
        const parts = (cursor.partial + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
        cursor.partial = parts.pop() ?? '';
        for (const text of parts) events.line(node, text);
      } finally {
        await handle.close();
      }
    }
    await Promise.race([sleep(intervalMs), aborted]);
  }
}
