// Atomic file writes and tolerant JSON reads.
import {
  chmodSync,
  closeSync,
  copyFileSync,
  constants as fsConstants,
  fsync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { naming } from '../errors-fs.js';
import { assertTrusted } from '../os/trusted-path.js';
import { describeJsonError } from './json-error.js';

let tempCount = 0;

/**
 * A suffix for a temp file no other live process can pick: our PID, the time and a counter. (Not
 * crypto's random bytes: loading crypto costs a few ms on every command that writes state.)
 */
export function tempSuffix(): string {
  tempCount += 1;
  return `${process.pid}.${Date.now().toString(36)}${tempCount.toString(36)}`;
}

/**
 * Removes a file if it is there. unlink rather than rm({ force }): rm loads Node's rimraf module, and
 * `stop` removes the lock and the state file on every run.
 */
export function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Writes via a private temp file and rename, so readers see the old file or the new one, never half.
 * Synchronous inside but for the flush: each promise-API call costs a thread-pool round trip, while
 * the flush is slow and worth overlapping (start writes three files side by side once it is ready).
 */
export async function writeFileAtomic(file: string, contents: string, mode = 0o600): Promise<void> {
  const temp = `${file}.${tempSuffix()}.tmp`;
  let fd: number;
  try {
    fd = openSync(temp, 'wx', mode);
  } catch (error) {
    // A failure names the file being written, not the temp file (nor no file, as a failed write does).
    throw naming(error, file, 'write');
  }
  try {
    try {
      writeFileSync(fd, contents);
      await flush(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    // Disk full, permissions, a failed rename: never leave the temp file behind.
    removeFile(temp);
    throw naming(error, file, 'write');
  }
}

/** A copy of `source` at `file`, via a temp file and rename: a reader never sees half a binary. */
export function copyFileAtomic(source: string, file: string, mode: number): void {
  const temp = `${file}.${tempSuffix()}.tmp`;
  try {
    copyFileSync(source, temp, fsConstants.COPYFILE_EXCL);
    chmodSync(temp, mode);
    renameSync(temp, file);
  } catch (error) {
    removeFile(temp);
    throw naming(error, file, 'write');
  }
}

export type JsonRead =
  | { readonly kind: 'missing' }
  | { readonly kind: 'ok'; readonly value: unknown }
  /** reason completes "it is …" in one line, never quoting the file: "empty", "not valid JSON at line 3, column 11 (…)". */
  | { readonly kind: 'corrupt'; readonly reason: string };

export async function readJsonFile(file: string): Promise<JsonRead> {
  let text: string;
  try {
    // Synchronous: a small file, read once, by a one-shot CLI; the promise API costs a thread-pool round trip.
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
  try {
    return { kind: 'ok', value: JSON.parse(text) };
  } catch (error) {
    return { kind: 'corrupt', reason: text.trim() === '' ? 'empty' : describeJsonError(text, error) };
  }
}

/**
 * readJsonFile for a file of the state home whose content we act on (settings, PIDs to signal, the
 * binary to run): refused, before anything is read or written, if another user could have written it.
 */
export async function readTrustedJsonFile(file: string): Promise<JsonRead> {
  assertTrusted(file, 'state');
  return readJsonFile(file);
}

function flush(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
}
