// Who still reads our stdout's pipe, from a /proc laid out in a temp folder.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pipeReader, readsFrom } from '../../../src/os/pipe-reader.js';

let proc: string | undefined;
afterEach(() => proc && rmSync(proc, { recursive: true, force: true }));

function fakeProc(fds: Record<number, Array<{ fd: number; link: string; flags: string }>>): string {
  proc = mkdtempSync(path.join(os.tmpdir(), 'fake-proc-'));
  for (const [pid, list] of Object.entries(fds)) {
    mkdirSync(path.join(proc, pid, 'fd'), { recursive: true });
    mkdirSync(path.join(proc, pid, 'fdinfo'), { recursive: true });
    for (const { fd, link, flags } of list) {
      symlinkSync(link, path.join(proc, pid, 'fd', String(fd)));
      writeFileSync(path.join(proc, pid, 'fdinfo', String(fd)), `pos:\t0\nflags:\t${flags}\nmnt_id:\t15\n`);
    }
  }
  return proc;
}

describe('readers of a pipe', () => {
  it('reads the access mode from fdinfo flags (octal)', () => {
    expect(readsFrom('pos:\t0\nflags:\t00\n')).toBe(true); // O_RDONLY
    expect(readsFrom('flags:\t02000002\n')).toBe(true); // O_RDWR | O_CLOEXEC
    expect(readsFrom('flags:\t01\n')).toBe(false); // O_WRONLY
    expect(readsFrom('no flags here')).toBe(false);
  });
  it('finds another process reading the pipe, and none once only writers are left', () => {
    const dir = fakeProc({
      10: [{ fd: 1, link: 'pipe:[77]', flags: '01' }],
      11: [
        { fd: 0, link: 'pipe:[77]', flags: '00' },
        { fd: 1, link: '/dev/pts/0', flags: '02' },
      ],
      12: [{ fd: 0, link: 'pipe:[78]', flags: '00' }],
    });
    expect(pipeReader(77, 10, dir)).toBe(11);
    rmSync(path.join(dir, '11'), { recursive: true });
    expect(pipeReader(77, 10, dir)).toBeUndefined();
    // Our own descriptors never count, even a reading one.
    expect(pipeReader(78, 12, dir)).toBeUndefined();
  });
});
