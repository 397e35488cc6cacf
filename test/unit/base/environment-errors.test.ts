// File-system errors of the environment in words (errno error → one line), and a node that died of a
// full disk told from one that died of something else. Pure.
import { describe, expect, it } from 'vitest';
import { diskFullEvidence, NEARLY_FULL_BYTES } from '../../../src/binary/engine-output.js';
import { fsUserError, isFsError, naming } from '../../../src/errors-fs.js';
import { UserError } from '../../../src/errors.js';

/** What Node throws for a failed file-system call. */
function errno(code: string, syscall?: string, file?: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: ${syscall ?? ''} ${file ?? ''}`);
  error.code = code;
  if (syscall) error.syscall = syscall;
  if (file) error.path = file;
  return error;
}

const HOME = '/home/u/.local/share/c8ctl-nano';

describe('fsUserError outside the state home', () => {
  it.each([
    [
      'ENOTDIR',
      'open',
      '/a/file/x.json',
      'Cannot open /a/file/x.json: a part of its path is a file, not a directory. Move that file aside, or choose another path.',
    ],
    [
      'EISDIR',
      'open',
      '/out/b.tar.gz',
      'Cannot open /out/b.tar.gz: it is a directory, where a file belongs. Give the path of a file instead, or move the directory aside.',
    ],
    [
      'EACCES',
      'mkdir',
      '/srv/ws/models',
      "Cannot create /srv/ws/models: permission denied. Fix the owner or permissions (ls -ld '/srv/ws'), or choose a path of yours.",
    ],
    [
      'EPERM',
      'unlink',
      '/srv/ws/models/a.bpmn',
      "Cannot remove /srv/ws/models/a.bpmn: the operation is not permitted (the file or its folder may be immutable, or not yours). Check with lsattr -d '/srv/ws/models' and clear it with chattr -i, or choose another path.",
    ],
    [
      'EROFS',
      'mkdir',
      '/media/cd/ws',
      'Cannot create /media/cd/ws: the file system is read-only. Choose a path on a writable file system, or remount it read-write.',
    ],
    [
      'ENOSPC',
      'write',
      '/big/out.tar.gz',
      "Cannot write /big/out.tar.gz: no space left on the device. Free some space (df -h '/big'), or choose a path on another disk.",
    ],
    [
      'EDQUOT',
      'write',
      '/q/f',
      'Cannot write /q/f: your disk quota is used up. Free some of your space, or ask for a bigger quota.',
    ],
    ['ENAMETOOLONG', 'open', '/x/yyyy', 'Cannot open /x/yyyy: the path is too long. Choose a shorter path.'],
    [
      'ELOOP',
      'open',
      '/loop/f',
      'Cannot open /loop/f: its path runs into a loop of symbolic links. Fix the symbolic links on that path.',
    ],
    ['EEXIST', 'mkdir', '/x/d', 'Cannot create /x/d: it already exists. Move it aside, or choose another path.'],
    [
      'EIO',
      'read',
      '/x/f',
      'Cannot read /x/f: an input/output error (the disk may be failing). Check the disk (dmesg), or choose a path on another disk.',
    ],
  ])('%s on %s %s', (code, syscall, file, message) => {
    const error = fsUserError(errno(code, syscall, file), { home: HOME });
    expect(error).toBeInstanceOf(UserError);
    expect(error!.message).toBe(message);
    expect(error!.code).toBe(`fs-${code.toLowerCase()}`);
    expect(error!.details).toEqual([]);
    expect(error!.exitCode).toBe(1);
  });

  it('says what it can of an error that names no path', () => {
    expect(fsUserError(errno('EMFILE', 'open'))!.message).toBe(
      'Could not open: this process has too many files open. Raise the limit (ulimit -n) and try again.',
    );
    expect(fsUserError(errno('ENOSPC', 'write'))!.message).toBe(
      'Could not write: no space left on the device. Free some space (df -h .), or choose a path on another disk.',
    );
  });

  it('leaves alone what is not a file-system error', () => {
    expect(fsUserError(new Error('boom'))).toBeUndefined();
    expect(fsUserError(errno('ECONNREFUSED', 'connect'))).toBeUndefined();
    expect(fsUserError('ENOSPC')).toBeUndefined();
    expect(fsUserError({ code: 'ENOSPC' })).toBeUndefined();
    expect(isFsError(errno('EROFS', 'open', '/x'))).toBe(true);
  });
});

describe('fsUserError inside the state home', () => {
  it.each([
    [
      'EROFS',
      'write',
      `${HOME}/.lock`,
      `The state home ${HOME} is on a read-only file system (could not write ${HOME}/.lock). Set C8CTL_NANO_HOME to a writable directory.`,
    ],
    [
      'ENOSPC',
      'write',
      `${HOME}/cluster.json`,
      `The state home ${HOME} is on a full disk: no space is left on the device (could not write ${HOME}/cluster.json). Free some space there (df -h '${HOME}'), or set C8CTL_NANO_HOME to a directory on another disk.`,
    ],
    [
      'EPERM',
      'write',
      `${HOME}/config.json`,
      `The state home ${HOME} cannot be changed: the operation is not permitted, as on an immutable folder (could not write ${HOME}/config.json). Make it writable (lsattr -d '${HOME}'; chattr -i '${HOME}'), or set C8CTL_NANO_HOME to a writable directory.`,
    ],
    [
      'EACCES',
      'mkdir',
      `${HOME}/logs`,
      `The state home ${HOME} is not writable by you: permission denied (could not create ${HOME}/logs). Fix its owner or permissions (ls -ld '${HOME}'), or set C8CTL_NANO_HOME to a writable directory.`,
    ],
    [
      'ENOTDIR',
      'open',
      `${HOME}/config.json`,
      `The state home ${HOME} is not a directory: a file is in its place or on its path (could not open ${HOME}/config.json). Set C8CTL_NANO_HOME to a directory, or move that file aside.`,
    ],
    [
      'EDQUOT',
      'write',
      `${HOME}/logs/node-0.log`,
      `The state home ${HOME} is over your disk quota (could not write ${HOME}/logs/node-0.log). Free some of your space, or set C8CTL_NANO_HOME to a directory on another disk.`,
    ],
  ])('%s is told of the home, with C8CTL_NANO_HOME as the way out', (code, syscall, file, message) => {
    expect(fsUserError(errno(code, syscall, file), { home: HOME })!.message).toBe(message);
  });

  it('a folder on the way to the home that cannot be made is the home failing', () => {
    expect(fsUserError(errno('EROFS', 'mkdir', '/home/u/.local'), { home: HOME })!.message).toBe(
      `The state home ${HOME} is on a read-only file system (could not create /home/u/.local). Set C8CTL_NANO_HOME to a writable directory.`,
    );
    expect(fsUserError(errno('EROFS', 'mkdir', HOME), { home: HOME })!.message).toBe(
      `The state home ${HOME} is on a read-only file system. Set C8CTL_NANO_HOME to a writable directory.`,
    );
  });

  it('a problem of one file in the home is told of that file', () => {
    expect(fsUserError(errno('EISDIR', 'open', `${HOME}/cluster.json`), { home: HOME })!.message).toMatch(
      /^Cannot open .*cluster.json: it is a directory/,
    );
    // A sibling whose name starts like the home is not inside it.
    expect(fsUserError(errno('EROFS', 'open', `${HOME}-old/x`), { home: HOME })!.message).toMatch(/^Cannot open /);
  });
});

describe('naming', () => {
  it('puts the file meant (and what was done) on an errno error, and nothing on others', () => {
    const error = naming(errno('ENOSPC', 'write'), '/h/cluster.json', 'write');
    expect(error).toMatchObject({ path: '/h/cluster.json', syscall: 'write', code: 'ENOSPC' });
    const temp = naming(errno('EROFS', 'open', '/h/cluster.json.1.ab.tmp'), '/h/cluster.json');
    expect(temp).toMatchObject({ path: '/h/cluster.json', syscall: 'open' });
    const plain = new Error('x');
    expect(naming(plain, '/h/f')).not.toHaveProperty('path');
  });
});

describe('diskFullEvidence', () => {
  it('quotes the shortest line where the engine says so', () => {
    const output =
      'PANIC at main.rs: failed: database or disk is full (long prefix …)\n  payload: database or disk is full\n';
    expect(diskFullEvidence(output, 10 * NEARLY_FULL_BYTES)).toBe('it said "payload: database or disk is full"');
    expect(diskFullEvidence('Error: No space left on device (os error 28)', undefined)).toContain(
      'No space left on device',
    );
  });

  it('takes the OS\'s word when the engine only says "disk I/O error"', () => {
    expect(diskFullEvidence('read-model.sqlite: disk I/O error', 8192)).toBe('8 KiB are left there');
    expect(diskFullEvidence('read-model.sqlite: disk I/O error', 10 * NEARLY_FULL_BYTES)).toBeUndefined();
    expect(diskFullEvidence('Address already in use', undefined)).toBeUndefined();
  });
});
