// Whether a path's owner and mode let us trust what it holds: the rules ssh applies to ~/.ssh under
// StrictModes. A file another user can write, or a directory they can write (so they can swap what
// is in it), lets them choose what we read or run, as us. Pure: the stat calls are in trusted-path.ts.

/** What stat says about one path (mode includes the sticky bit, 0o1000). */
export interface PathFacts {
  readonly uid: number;
  readonly mode: number;
  readonly isDir: boolean;
}

/**
 * - 'content': a file we act on, or a directory we read such files from or create them in. A missing
 *   file in a directory others can write could be planted, so the sticky bit does not help here.
 * - 'above': a directory on the way to one. Others may write it only with the sticky bit set, which
 *   stops them renaming or deleting entries they do not own (so /tmp is fine).
 */
export type PathRole = 'content' | 'above';

export interface PathProblem {
  /** Completes "<path> …", e.g. "is writable by group and others (mode 0777)". */
  readonly problem: string;
  /** The shell command that makes the path safe, e.g. `chmod go-w '/x'`. */
  readonly fix: string;
}

const STICKY = 0o1000;
const GROUP_WRITE = 0o020;
const OTHER_WRITE = 0o002;

const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

/** Single-quoted for a POSIX shell, so the fix can be pasted as it is. */
export const shellQuote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

function writers(facts: PathFacts, role: PathRole): string | null {
  if (role === 'above' && facts.isDir && (facts.mode & STICKY) !== 0) return null;
  const group = (facts.mode & GROUP_WRITE) !== 0;
  const others = (facts.mode & OTHER_WRITE) !== 0;
  if (!group && !others) return null;
  return group && others ? 'group and others' : group ? 'group' : 'others';
}

/**
 * Why `facts` make `path` unsafe for a user with uid `me` (named `myName`), or null when it is safe.
 * Root (uid 0) may own anything we trust: it can change everything anyway.
 */
export function pathProblem(
  path: string,
  facts: PathFacts,
  role: PathRole,
  me: number,
  myName: string,
): PathProblem | null {
  const badOwner = facts.uid !== me && facts.uid !== 0;
  const who = writers(facts, role);
  if (!badOwner && who === null) return null;
  const problems: string[] = [];
  const fixes: string[] = [];
  if (badOwner) {
    problems.push(`is owned by uid ${facts.uid}, not you (uid ${me}) or root`);
    // Only root can give a file away; a user needs sudo to take back one another user owns.
    fixes.push(`${me === 0 ? '' : 'sudo '}chown ${myName} ${shellQuote(path)}`);
  }
  if (who !== null) {
    const sticky = role === 'above' && facts.isDir ? ' without the sticky bit' : '';
    problems.push(`is writable by ${who}${sticky} (mode ${octal(facts.mode)})`);
    fixes.push(`chmod go-w ${shellQuote(path)}`);
  }
  return { problem: problems.join(' and '), fix: fixes.join(' && ') };
}
