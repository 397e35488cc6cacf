// Refuses a file, or the engine binary, that another local user could have written or swapped (see
// trust-rules.ts). Synchronous and stat-only: a handful of stat calls per file, on every command.
import { lstatSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';
import { pathProblem, type PathFacts, type PathRole } from './trust-rules.js';

/**
 * - 'state': a file in the state home we read and act on (it may not exist yet); its directory is
 *   where we also create files, so it must be ours alone too.
 * - 'program': a binary we run; it exists, so a sticky directory around it is enough.
 */
export type TrustUse = 'state' | 'program';

export interface UnsafePath {
  /** The path at fault: the file itself or a directory on the way to it. */
  readonly path: string;
  readonly problem: string;
  readonly fix: string;
  /** The path and what is wrong with it, e.g. "/x (on the way to /x/config.json) is owned by uid 65534, …". */
  readonly summary: string;
  /** One line: the path, what is wrong, the risk, and the fix. */
  readonly message: string;
}

export class UnsafePermissionsError extends UserError {
  constructor(
    readonly unsafe: UnsafePath,
    readonly use: TrustUse,
  ) {
    super(unsafe.message, { code: 'unsafe-permissions' });
  }
}

const THREAT: Record<TrustUse, string> = {
  state: 'change the settings and state this command acts on',
  program: 'replace the program this command runs',
};

/** The real path of `target`, even when its tail does not exist yet. */
function realPathOf(target: string): string {
  const missing: string[] = [];
  let current = target;
  for (;;) {
    try {
      return path.join(realpathSync.native(current), ...missing);
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return target;
      missing.unshift(path.basename(current));
      current = parent;
    }
  }
}

/**
 * Every path whose owner and mode decide whether `target` is safe, outermost first, with its role.
 * Both the path as given and its real path are walked: a symlink on the way is judged by its owner
 * and the directory holding it, and what it points to by the real path's chain.
 */
function pathsToJudge(target: string, use: TrustUse): Map<string, PathRole> {
  const roles = new Map<string, PathRole>();
  for (const start of new Set([target, realPathOf(target)])) {
    const chain: string[] = [];
    for (let p = start; ; p = path.dirname(p)) {
      chain.push(p);
      if (path.dirname(p) === p) break;
    }
    chain.forEach((p, depth) => {
      const role: PathRole = depth === 0 || (depth === 1 && use === 'state') ? 'content' : 'above';
      if (roles.get(p) !== 'content') roles.set(p, role);
    });
  }
  return new Map([...roles].sort(([a], [b]) => a.length - b.length));
}

function factsOf(p: string): PathFacts | undefined {
  try {
    const stats = lstatSync(p, { throwIfNoEntry: false });
    if (!stats) return undefined;
    // A symlink's own mode means nothing (always 0777 on Linux); who owns it decides where it points.
    if (stats.isSymbolicLink()) return { uid: stats.uid, mode: 0, isDir: false };
    return { uid: stats.uid, mode: stats.mode, isDir: stats.isDirectory() };
  } catch {
    return undefined; // not ours to judge: if we cannot even stat it, reading it fails on its own
  }
}

let name: string | undefined;

/** For the chown fix; looked up only when a problem is found. */
function myName(uid: number): string {
  if (uid === 0) return 'root';
  try {
    name ??= os.userInfo().username;
  } catch {
    name = String(uid); // no passwd entry (a container with an arbitrary uid): chown takes the number
  }
  return name;
}

/** Why `target` cannot be trusted, or null. Missing paths are fine: we create them, privately. */
export function untrustedPath(target: string, use: TrustUse): UnsafePath | null {
  // Windows has no POSIX owner and mode bits (its ACLs do not show in stat), so there is nothing
  // here to check; the per-user profile directory is private by default.
  const me = process.geteuid?.();
  if (process.platform === 'win32' || me === undefined) return null;
  const absolute = path.resolve(target);
  for (const [p, role] of pathsToJudge(absolute, use)) {
    const facts = factsOf(p);
    // Judged with a placeholder name first, so the passwd lookup happens only for a real problem.
    if (!facts || !pathProblem(p, facts, role, me, '')) continue;
    const found = pathProblem(p, facts, role, me, myName(me))!;
    const summary = `${p}${p === absolute ? '' : ` (on the way to ${absolute})`} ${found.problem}`;
    return {
      path: p,
      ...found,
      summary,
      message: `Unsafe permissions: ${summary}, so another user could ${THREAT[use]}. Fix: ${found.fix}`,
    };
  }
  return null;
}

export function assertTrusted(target: string, use: TrustUse): void {
  const unsafe = untrustedPath(target, use);
  if (unsafe) throw new UnsafePermissionsError(unsafe, use);
}
