// One mutating command at a time per home. The lock file is claimed atomically (hard link of a fully
// written temp file, which fails if the lock exists), and names its holder by PID + start time so a
// lock left by a crashed command is recognised as stale and taken over.
import { linkSync, readFileSync, writeFileSync } from 'node:fs';
import { classifyProcess, isOurs } from '../os/process-identity.js';
import { UserError } from '../errors.js';
import { naming } from '../errors-fs.js';
import type { ProcessFacts, ProcessReader } from '../os/process-info.js';
import { assertTrusted } from '../os/trusted-path.js';
import { removeFile, tempSuffix } from './files.js';

interface LockHolder {
  readonly pid: number;
  readonly startTime: string;
  readonly command: string;
  readonly since: string;
}

export interface LockDeps {
  readonly readProcess: ProcessReader;
  readonly pid?: number;
}

export type ReleaseLock = () => Promise<void>;

async function readHolder(lockFile: string): Promise<{ raw: string; holder: LockHolder | null } | null> {
  let raw: string;
  try {
    raw = readFileSync(lockFile, 'utf8'); // synchronous, like every small state read (state/files.ts)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const parsed = JSON.parse(raw) as LockHolder;
    return { raw, holder: typeof parsed.pid === 'number' && typeof parsed.startTime === 'string' ? parsed : null };
  } catch {
    return { raw, holder: null };
  }
}

/** A holder that could not record its start time is presumed alive while its PID is: never steal a live lock. */
function holderAlive(holder: LockHolder, facts: ProcessFacts | null): boolean {
  if (holder.startTime === UNKNOWN_START) return facts !== null && facts.state !== 'zombie';
  return isOurs(classifyProcess(holder.startTime, facts));
}

const UNKNOWN_START = 'unknown';

function lockedError(holder: LockHolder): UserError {
  return new UserError(
    `Another c8ctl nano command (pid ${holder.pid}, "${holder.command}", since ${holder.since}) is changing this cluster. Wait for it to finish and try again.`,
    {
      code: 'locked',
    },
  );
}

/** The error to give when a live command holds the lock right now, else null. Takes nothing. */
export async function lockHeldError(lockFile: string, readProcess: ProcessReader): Promise<UserError | null> {
  // Its holder decides whether we wait or take over, and the home is where we are about to write.
  assertTrusted(lockFile, 'state');
  const holder = (await readHolder(lockFile))?.holder;
  return holder && holderAlive(holder, await readProcess(holder.pid)) ? lockedError(holder) : null;
}

export async function acquireLock(lockFile: string, command: string, deps: LockDeps): Promise<ReleaseLock> {
  // Checked again here, right before our first write: the home may have been created since the
  // command read its state (by us, or by someone else racing us for a missing home).
  assertTrusted(lockFile, 'state');
  const pid = deps.pid ?? process.pid;
  const self = await deps.readProcess(pid);
  const mine: LockHolder = {
    pid,
    startTime: self?.startTime ?? UNKNOWN_START,
    command,
    since: new Date().toISOString(),
  };
  const temp = `${lockFile}.${tempSuffix()}`; // the suffix names this process already
  try {
    // Inside the try: a write that fails half-way (a full disk) must not leave the temp file behind.
    // Synchronous, like the other small state writes (state/files.ts).
    try {
      writeFileSync(temp, JSON.stringify(mine), { mode: 0o600 });
    } catch (error) {
      throw naming(error, lockFile, 'write');
    }
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        linkSync(temp, lockFile);
        return async () => {
          // Remove only our own lock, never one a later command has taken over.
          const current = await readHolder(lockFile);
          if (current?.holder?.pid === mine.pid && current.holder.startTime === mine.startTime) removeFile(lockFile);
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = await readHolder(lockFile);
      if (current === null) continue; // released between our attempt and the read
      const holder = current.holder;
      const alive = holder !== null && holderAlive(holder, await deps.readProcess(holder.pid));
      if (alive) throw lockedError(holder);
      // Stale: its holder is gone. Remove it only if it is still the very lock we judged.
      const again = await readHolder(lockFile);
      if (again?.raw === current.raw) removeFile(lockFile);
    }
    throw new UserError(`Could not take the lock ${lockFile}: another command keeps claiming it. Try again.`, {
      code: 'locked',
    });
  } finally {
    removeFile(temp);
  }
}
