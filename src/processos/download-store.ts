// The downloaded ProcessOS binaries in the state home:
//
//   <home>/processos-bin/installed.json        which copy is current: version, checksum, where it came from
//   <home>/processos-bin/<version>/processos   the binary (0700, in a 0700 folder)
//
// A new copy is written to a temp file beside its final name and renamed only once its SHA-256 (and
// size) match the manifest; installed.json then switches to it and older versions are removed. A
// refused or failed download leaves nothing behind, and the previous copy stays current.
import { crypto } from '../os/builtins.js';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { chmod, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { naming } from '../errors-fs.js';
import { httpDownload, type DownloadResult } from '../os/http-download.js';
import { readTrustedJsonFile, tempSuffix, writeFileAtomic } from '../state/files.js';
import { ensurePrivateDir } from '../state/home.js';
import type { InstalledRelease, Release } from './download-manifest.js';

export interface InstalledCopy extends InstalledRelease {
  readonly path: string;
  readonly size: number;
  readonly platform: string;
  /** The manifest it was published in. */
  readonly manifestUrl: string;
  readonly binaryUrl: string;
  readonly fetchedAt: string;
}

const RECORD = 'installed.json';
const binaryName = (platform: string): string => (platform.startsWith('win32-') ? 'processos.exe' : 'processos');

/** The current copy, or undefined when none is recorded or its file is gone. */
export async function readInstalled(binDir: string): Promise<InstalledCopy | undefined> {
  const read = await readTrustedJsonFile(path.join(binDir, RECORD));
  if (read.kind !== 'ok') return undefined; // missing or corrupt: a cache, fetched again
  const r = read.value as Partial<InstalledCopy> | null;
  const valid =
    typeof r?.version === 'string' &&
    typeof r.sha256 === 'string' &&
    typeof r.size === 'number' &&
    typeof r.platform === 'string' &&
    typeof r.manifestUrl === 'string' &&
    typeof r.binaryUrl === 'string';
  if (!valid || r.version!.includes('/') || r.version!.includes('..')) return undefined;
  const file = path.join(binDir, r.version!, binaryName(r.platform!));
  const facts = await stat(file).catch(() => undefined);
  if (!facts?.isFile()) return undefined;
  return {
    version: r.version!,
    sha256: r.sha256!,
    size: r.size!,
    platform: r.platform!,
    manifestUrl: r.manifestUrl!,
    binaryUrl: r.binaryUrl!,
    fetchedAt: String(r.fetchedAt ?? ''),
    path: file,
  };
}

export async function sha256Of(file: string): Promise<string> {
  const hash = crypto().createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Whether the copy on disk is still the one that was verified (not truncated or changed since). */
export async function stillIntact(copy: InstalledCopy): Promise<boolean> {
  const facts = await stat(copy.path).catch(() => undefined);
  return facts?.size === copy.size && (await sha256Of(copy.path)) === copy.sha256;
}

export type FetchFailure = Exclude<DownloadResult, { kind: 'done' }>;

/** Thrown when the bytes arrived but are not what the manifest promised: never installed, never run. */
export class ChecksumError extends UserError {}

const MAX_BINARY = 1024 * 1024 * 1024;

/**
 * Downloads `release`, verifies it and makes it the current copy. Resolves with the new copy, or with
 * the network failure (nothing written); throws ChecksumError on a mismatch (nothing written either).
 */
export async function installRelease(
  binDir: string,
  release: Release,
  manifestUrl: string,
  timeouts: { timeoutMs: number; idleMs: number },
): Promise<InstalledCopy | FetchFailure> {
  const versionDir = path.join(binDir, release.version);
  // The topmost folder made here (the home itself on a first run), removed again if this fails.
  const created = await ensurePrivateDir(versionDir);
  if (created !== undefined) await chmod(binDir, 0o700).catch(() => undefined); // whatever the umask
  const final = path.join(versionDir, binaryName(release.platform));
  const temp = `${final}.${tempSuffix()}.tmp`;
  const undo = async (): Promise<void> => {
    await rm(temp, { force: true });
    if (created !== undefined) await rm(created, { recursive: true, force: true });
  };
  let result: DownloadResult;
  try {
    result = await downloadTo(temp, final, release, timeouts);
    refuseUnpromised(release, result);
    if (result.kind === 'done') {
      await chmod(temp, 0o700);
      await rename(temp, final);
    }
  } catch (error) {
    await undo();
    throw error;
  }
  if (result.kind !== 'done') {
    await undo();
    return result;
  }
  const copy: InstalledCopy = {
    version: release.version,
    sha256: release.sha256,
    size: result.bytes,
    platform: release.platform,
    manifestUrl,
    binaryUrl: release.url,
    // A wall-clock date, shown by config: effects' clock is monotonic, not a date.
    fetchedAt: new Date().toISOString(),
    path: final,
  };
  await makeCurrent(binDir, copy);
  return copy;
}

/** The release's bytes written to `temp` as they arrive, or why the download failed; throws, naming `final`, when they cannot be written. */
async function downloadTo(
  temp: string,
  final: string,
  release: Release,
  timeouts: { timeoutMs: number; idleMs: number },
): Promise<DownloadResult> {
  let fd: number;
  try {
    fd = openSync(temp, 'wx', 0o700);
  } catch (error) {
    throw naming(error, final, 'write');
  }
  // A failed write ends the download as an error; kept to be thrown as the file error it is.
  let writeError: unknown;
  let result: DownloadResult;
  try {
    result = await httpDownload(release.url, {
      ...timeouts,
      maxBytes: release.size ?? MAX_BINARY,
      onChunk: (chunk) => {
        try {
          writeSync(fd, chunk);
        } catch (error) {
          writeError = error;
          throw error;
        }
      },
    });
  } finally {
    closeSync(fd);
  }
  if (writeError !== undefined) throw naming(writeError, final, 'write');
  return result;
}

/** Throws ChecksumError when the bytes are not what the manifest promised: more than its size, another checksum. */
function refuseUnpromised(release: Release, result: DownloadResult): void {
  const refused = (what: string): ChecksumError =>
    new ChecksumError(
      `Refused the ProcessOS ${release.version} download from ${release.url}: ${what}; nothing was installed.`,
      { code: 'checksum-mismatch' },
    );
  if (result.kind === 'too-large' && release.size !== undefined)
    throw refused(`expected ${release.size} bytes, got more`);
  if (result.kind !== 'done') return;
  if (result.sha256 !== release.sha256) throw refused(`expected sha256 ${release.sha256}, got ${result.sha256}`);
  if (release.size !== undefined && result.bytes !== release.size)
    throw refused(`expected ${release.size} bytes, got ${result.bytes}`);
}

/** Records `copy` as the current one, then removes the others. */
async function makeCurrent(binDir: string, copy: InstalledCopy): Promise<void> {
  const { path: _path, ...record } = copy;
  await writeFileAtomic(path.join(binDir, RECORD), `${JSON.stringify({ schema: 1, ...record }, null, 2)}\n`);
  await pruneExcept(binDir, copy.version);
}

/** Removes every version but `keep` (and stray temp files), once `keep` is current. */
async function pruneExcept(binDir: string, keep: string): Promise<void> {
  for (const entry of await readdir(binDir, { withFileTypes: true })) {
    if (entry.name === RECORD || entry.name === keep) continue;
    await rm(path.join(binDir, entry.name), { recursive: true, force: true });
  }
}
