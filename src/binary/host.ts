// Real-world inputs for the resolver: the file system, installed packages, and the host's libc.
import {
  accessSync,
  closeSync,
  constants,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { HostDescription, Libc } from '../../platforms.js';
import { cannotRunHere } from './executable-format.js';
import { explainMissingPackage } from './missing-package.js';
import type { FileKind } from './resolve.js';

export function fileKind(file: string): FileKind {
  let stats;
  try {
    stats = statSync(file);
  } catch (error) {
    return failedStatKind(file, (error as NodeJS.ErrnoException).code);
  }
  if (stats.isDirectory()) return 'directory';
  if (process.platform === 'win32') return 'executable';
  try {
    accessSync(file, constants.X_OK);
    return 'executable';
  } catch {
    return 'not-executable';
  }
}

/** Enough for every header inspectExecutable reads (a PE header sits behind an offset, well inside this). */
const HEAD_BYTES = 4096;

/** The first bytes of a file, or undefined when it cannot be read (then running it decides). */
export function readExecutableHead(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    return head.subarray(0, readSync(fd, head, 0, HEAD_BYTES, 0));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Why this file cannot run on this machine, from its header ("is built for …"), or null. */
export function cannotRunOnThisHost(file: string): string | null {
  const head = readExecutableHead(file);
  return head === undefined ? null : cannotRunHere(head, { platform: process.platform, arch: process.arch });
}

/** Why stat failed, as the user needs to hear it: a loop or a dangling link is not a missing file. */
function failedStatKind(file: string, code: string | undefined): FileKind {
  if (code === 'ELOOP') return 'symlink-loop';
  if (code === 'ENOTDIR') return 'not-a-directory';
  if (code === 'EACCES' || code === 'EPERM') return 'no-access';
  if (code === 'ENOENT' && lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink()) return 'broken-symlink';
  return 'missing';
}

const require = createRequire(import.meta.url);

export function installedPackageDir(packageName: string): string | undefined {
  try {
    return path.dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    return undefined;
  }
}

let glibc: { value: string | undefined } | undefined;

/** The glibc version this Node runs on, e.g. "2.36"; undefined on musl and non-Linux hosts. Asked once. */
export function hostGlibcVersion(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  glibc ??= {
    value: (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header
      ?.glibcVersionRuntime,
  };
  return glibc.value;
}

/** The C library named in a process's memory maps (/proc/<pid>/maps text); undefined if neither is. */
export function libcFromMaps(maps: string): Libc | undefined {
  if (/\/ld-musl-[^/\s]*\.so/.test(maps) || /\/libc\.musl-[^/\s]*\.so/.test(maps)) return 'musl';
  if (/\/libc\.so\.6\b/.test(maps) || /\/libc-2\.[0-9]+\.so/.test(maps)) return 'glibc';
  return undefined;
}

/**
 * The C library this Node is linked against, from the libraries mapped into our own process: exact,
 * and ≈0.1 ms where the process report takes ≈4 ms on every start. The report decides if the maps
 * cannot be read or name neither library.
 */
function hostLibc(): Libc {
  let fromMaps: Libc | undefined;
  try {
    fromMaps = libcFromMaps(readFileSync('/proc/self/maps', 'latin1'));
  } catch {
    // unreadable: the report decides
  }
  return fromMaps ?? (hostGlibcVersion() ? 'glibc' : 'musl');
}

export function currentHost(): HostDescription {
  let libc: Libc | undefined;
  if (process.platform === 'linux') libc = hostLibc();
  const armVersion =
    process.arch === 'arm'
      ? String((process.config.variables as { arm_version?: unknown }).arm_version ?? '') || undefined
      : undefined;
  return { platform: process.platform, arch: process.arch, libc, armVersion };
}

/** Why the platform package is missing, judged from the node_modules folders Node would search. */
export function explainMissingHere(packageName: string): string[] {
  return explainMissingPackage(packageName, {
    searchDirs: require.resolve.paths(packageName) ?? [],
    listDir: (dir) => {
      try {
        return readdirSync(dir);
      } catch {
        return undefined;
      }
    },
    readText: (file) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
  });
}
