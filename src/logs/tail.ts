// Reading the end of a log file without reading all of it, and following it as it grows.
import { fsPromises } from '../os/builtins.js';
import { StringDecoder } from 'node:string_decoder';

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

/** Everything written to a file from byte `offset` on ('' if it cannot be read): one run's output. */
export async function readFrom(file: string, offset: number): Promise<string> {
  try {
    return (await fsPromises().readFile(file)).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

/** Current sizes: where a tail ends and following begins, so no line falls between the two. */
export async function fileSizes(files: readonly string[]): Promise<number[]> {
  return Promise.all(
    files.map(
      async (file) =>
        (
          await fsPromises()
            .stat(file)
            .catch(() => undefined)
        )?.size ?? 0,
    ),
  );
}

/**
 * The last `count` lines before byte `end` (default: the end of the file). A trailing newline does
 * not make an empty last line. Bytes are decoded once, so a character split across chunks survives.
 */
export async function readLastLines(file: string, count: number, end?: number): Promise<string[]> {
  if (count <= 0) return [];
  let handle;
  try {
    handle = await fsPromises().open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    const size = Math.min(end ?? Infinity, (await handle.stat()).size);
    const chunks: Buffer[] = [];
    let newlines = 0;
    let position = size;
    while (position > 0 && newlines <= count) {
      const length = Math.min(CHUNK, position);
      position -= length;
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, position);
      chunks.unshift(buffer);
      for (const byte of buffer) if (byte === NEWLINE) newlines += 1;
    }
    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-count);
  } finally {
    await handle.close();
  }
}

export interface FollowedFile {
  readonly node: number;
  readonly file: string;
  /** Byte offset to follow from (what was already shown ends here). */
  readonly from: number;
}

export interface FollowEvents {
  line(node: number, text: string): void;
  notice(node: number, text: string): void;
}

interface Cursor {
  offset: number;
  ino: number | undefined;
  /** The file's first bytes: a file deleted and recreated can get the same inode, but not the same head. */
  head: Buffer;
  partial: string;
  decoder: StringDecoder;
}

const HEAD_BYTES = 128;

async function readHead(file: string, length = HEAD_BYTES): Promise<Buffer> {
  const handle = await fsPromises()
    .open(file, 'r')
    .catch(() => undefined);
  if (!handle) return Buffer.alloc(0);
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const statOf = (file: string) =>
  fsPromises()
    .stat(file)
    .catch(() => undefined);

async function cursorAt(file: string, from: number): Promise<Cursor> {
  const s = await statOf(file);
  return { offset: from, ino: s?.ino, head: await readHead(file), partial: '', decoder: new StringDecoder('utf8') };
}

/** Reports the complete lines between the cursor and `size`, keeping an unfinished last line for later. */
async function readLinesUpTo(
  file: string,
  size: number,
  cursor: Cursor,
  report: (text: string) => void,
): Promise<void> {
  const handle = await fsPromises().open(file, 'r');
  try {
    const length = size - cursor.offset;
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, cursor.offset);
    cursor.offset += bytesRead;
    // The decoder holds back an incomplete multi-byte character until its remaining bytes arrive.
    const parts = (cursor.partial + cursor.decoder.write(buffer.subarray(0, bytesRead))).split('\n');
    cursor.partial = parts.pop() ?? '';
    for (const text of parts) report(text);
  } finally {
    await handle.close();
  }
}

/** One look at one file: a notice and a fresh start when it was truncated or replaced, then its new lines. */
async function pollFile(node: number, file: string, cursor: Cursor, events: FollowEvents): Promise<void> {
  const s = await statOf(file);
  if (!s) return;
  if (s.size === cursor.offset && s.ino === cursor.ino) return;
  const head = await readHead(file);
  const newInode = cursor.ino !== undefined && s.ino !== cursor.ino;
  const shrunk = s.size < cursor.offset;
  if (newInode || shrunk || !head.subarray(0, cursor.head.length).equals(cursor.head)) {
    events.notice(
      node,
      shrunk && !newInode
        ? 'log file was truncated; reading from its start'
        : 'log file was replaced; reading the new one from its start',
    );
    Object.assign(cursor, { offset: 0, partial: '', decoder: new StringDecoder('utf8') });
  }
  cursor.ino = s.ino;
  cursor.head = head;
  if (s.size === cursor.offset) return;
  await readLinesUpTo(file, s.size, cursor, (text) => events.line(node, text));
}

/**
 * Polls each file and reports complete new lines until `signal` aborts. A file that shrinks or is
 * replaced (log rotation, a node's log recreated) is read again from its start.
 */
export async function followFiles(
  files: readonly FollowedFile[],
  signal: AbortSignal,
  sleep: (ms: number) => Promise<void>,
  events: FollowEvents,
  intervalMs = 200,
): Promise<void> {
  const cursors = new Map<number, Cursor>();
  for (const { node, file, from } of files) cursors.set(node, await cursorAt(file, from));
  const aborted = new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  while (!signal.aborted) {
    for (const { node, file } of files) await pollFile(node, file, cursors.get(node)!, events);
    await Promise.race([sleep(intervalMs), aborted]);
  }
}
