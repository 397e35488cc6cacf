// File-system errors of the environment (a full disk, a read-only or immutable folder, a file where a
// folder belongs, …) as one line naming the path, what is wrong with it, and the fix, instead of
// "Unexpected failure … please report it". Pure: the error and the state home are all it looks at.
import path from 'node:path';
import { UserError, type UserErrorOptions } from './errors.js';

export interface FsErrorContext {
  /** The state home: a problem of the home as a whole is told as such, with C8CTL_NANO_HOME as the way out. */
  readonly home?: string | undefined;
}

/** What Node puts on a failed file-system call. */
interface ErrnoError {
  readonly code: string;
  readonly syscall?: string;
  readonly path?: string;
}

interface Cause {
  /** Continues "Cannot <verb> <path>: …". */
  readonly what: string;
  /** The fix; `where` is the folder concerned, when known. */
  readonly fix: (where: string | undefined) => string;
}

const quoted = (where: string | undefined, fallback: string): string => (where ? `'${where}'` : fallback);

const CAUSES: Readonly<Record<string, Cause>> = {
  ENOTDIR: {
    what: 'a part of its path is a file, not a directory',
    fix: () => 'Move that file aside, or choose another path',
  },
  EISDIR: {
    what: 'it is a directory, where a file belongs',
    fix: () => 'Give the path of a file instead, or move the directory aside',
  },
  EACCES: {
    what: 'permission denied',
    fix: (w) => `Fix the owner or permissions (ls -ld ${quoted(w, '<dir>')}), or choose a path of yours`,
  },
  EPERM: {
    what: 'the operation is not permitted (the file or its folder may be immutable, or not yours)',
    fix: (w) => `Check with lsattr -d ${quoted(w, '<dir>')} and clear it with chattr -i, or choose another path`,
  },
  EROFS: {
    what: 'the file system is read-only',
    fix: () => 'Choose a path on a writable file system, or remount it read-write',
  },
  ENOSPC: {
    what: 'no space left on the device',
    fix: (w) => `Free some space (df -h ${quoted(w, '.')}), or choose a path on another disk`,
  },
  EDQUOT: { what: 'your disk quota is used up', fix: () => 'Free some of your space, or ask for a bigger quota' },
  EFBIG: { what: 'the file is larger than the file system allows', fix: () => 'Choose a path on another file system' },
  ENAMETOOLONG: { what: 'the path is too long', fix: () => 'Choose a shorter path' },
  ELOOP: { what: 'its path runs into a loop of symbolic links', fix: () => 'Fix the symbolic links on that path' },
  EEXIST: { what: 'it already exists', fix: () => 'Move it aside, or choose another path' },
  ENOENT: {
    what: 'no such file or directory (it may have been removed meanwhile)',
    fix: () => 'Check the path and try again',
  },
  EMFILE: { what: 'this process has too many files open', fix: () => 'Raise the limit (ulimit -n) and try again' },
  ENFILE: {
    what: 'the system has too many files open',
    fix: () => 'Close other programs, or raise the system limit, and try again',
  },
  EIO: {
    what: 'an input/output error (the disk may be failing)',
    fix: () => 'Check the disk (dmesg), or choose a path on another disk',
  },
  EBUSY: {
    what: 'it is busy (in use, or a mount point)',
    fix: () => 'Try again once it is free, or choose another path',
  },
  ETXTBSY: { what: 'another program is writing it', fix: () => 'Wait until that finishes, then try again' },
};

/** Problems of the home as a whole: said of the home, fixed by pointing C8CTL_NANO_HOME elsewhere. */
const HOME_WIDE: Readonly<Record<string, (home: string) => { what: string; fix: string }>> = {
  ENOTDIR: () => ({
    what: 'is not a directory: a file is in its place or on its path',
    fix: 'Set C8CTL_NANO_HOME to a directory, or move that file aside',
  }),
  EROFS: () => ({ what: 'is on a read-only file system', fix: 'Set C8CTL_NANO_HOME to a writable directory' }),
  EACCES: (home) => ({
    what: 'is not writable by you: permission denied',
    fix: `Fix its owner or permissions (ls -ld '${home}'), or set C8CTL_NANO_HOME to a writable directory`,
  }),
  EPERM: (home) => ({
    what: 'cannot be changed: the operation is not permitted, as on an immutable folder',
    fix: `Make it writable (lsattr -d '${home}'; chattr -i '${home}'), or set C8CTL_NANO_HOME to a writable directory`,
  }),
  ENOSPC: (home) => ({
    what: 'is on a full disk: no space is left on the device',
    fix: `Free some space there (df -h '${home}'), or set C8CTL_NANO_HOME to a directory on another disk`,
  }),
  EDQUOT: () => ({
    what: 'is over your disk quota',
    fix: 'Free some of your space, or set C8CTL_NANO_HOME to a directory on another disk',
  }),
};

const VERBS: Readonly<Record<string, string>> = {
  open: 'open',
  read: 'read',
  write: 'write',
  fsync: 'write',
  ftruncate: 'write',
  close: 'write',
  mkdir: 'create',
  link: 'create',
  symlink: 'create',
  rename: 'rename',
  unlink: 'remove',
  rmdir: 'remove',
  rm: 'remove',
  scandir: 'list',
  opendir: 'list',
  stat: 'look at',
  lstat: 'look at',
  chmod: 'change the permissions of',
  copyfile: 'copy',
  access: 'access',
};

function verbOf(syscall: string | undefined): string {
  if (syscall === undefined) return 'use';
  if (syscall.startsWith('spawn')) return 'run';
  return VERBS[syscall] ?? syscall;
}

/** A failed file-system call whose cause we can put in words. */
export function isFsError(error: unknown): error is Error & ErrnoError {
  const code = (error as Partial<ErrnoError> | null)?.code;
  return error instanceof Error && typeof code === 'string' && Object.hasOwn(CAUSES, code);
}

const within = (file: string, dir: string): boolean =>
  file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : `${dir}${path.sep}`);

/** The one-line error for a file-system failure, or undefined when `error` is not one. */
export function fsUserError(error: unknown, context: FsErrorContext = {}): UserError | undefined {
  if (!isFsError(error)) return undefined;
  const { code, path: file } = error;
  const verb = verbOf(error.syscall);
  const options: UserErrorOptions = { code: `fs-${code.toLowerCase()}` };
  const home = context.home;
  // A file under the home, the home itself, or a folder on the way to it (creating the home).
  const homeWide = HOME_WIDE[code];
  if (home !== undefined && homeWide && file !== undefined && (within(file, home) || within(home, file))) {
    const { what, fix } = homeWide(home);
    const which = file === home ? '' : ` (could not ${verb} ${file})`;
    return new UserError(`The state home ${home} ${what}${which}. ${fix}.`, options);
  }
  const cause = CAUSES[code]!;
  if (file === undefined) return new UserError(`Could not ${verb}: ${cause.what}. ${cause.fix(undefined)}.`, options);
  return new UserError(
    `Cannot ${verb} ${file}: ${cause.what}. ${cause.fix(code === 'ENOTDIR' ? undefined : path.dirname(file))}.`,
    options,
  );
}

/**
 * Names `file` (and what was being done to it) on a file-system error: a failed write of a file
 * descriptor names no path, and a write through a temp file would name the temp file. Anything else
 * is returned as it is.
 */
export function naming<T>(error: T, file: string, syscall?: string): T {
  if (error instanceof Error && typeof (error as Partial<ErrnoError>).code === 'string')
    Object.assign(error, { path: file }, syscall ? { syscall } : {});
  return error;
}
