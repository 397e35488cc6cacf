// Errors of the environment, not of the user's input or of this program: a home that is a file, a
// read-only or immutable home, a full disk, `bundle --out` naming a directory. Each is one line naming
// the path, what is wrong with it and the fix; exit 1; no "Unexpected failure"; not a byte changed;
// no process left. Root bypasses permission bits, so the faults are real mounts (see support/mounts.ts)
// and those tests run only as root.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineBinary } from '../support/engines.js';
import { IS_ROOT, tmpfsMount, type TestMount } from '../support/mounts.js';
import { freePortRange } from '../support/ports.js';
import { processesWithMarker } from '../support/processes.js';
import { perTestSandboxes, type CliResult } from '../support/sandbox.js';
import { snapshot } from '../support/snapshot.js';

const tests = perTestSandboxes();

/** One ✗ line, exit 1, nothing on stdout, and no sign of a crash. */
function expectOneLine(result: CliResult, ...mentions: string[]): string {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).not.toContain('Unexpected failure');
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]!.startsWith('✗ ')).toBe(true);
  for (const text of mentions) expect(lines[0]).toContain(text);
  return lines[0]!;
}

async function scratch(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nano env é-'));
  tests.defer(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A home with something to lose: settings (the real engine) and the log of an earlier run. */
async function fillHome(home: string): Promise<void> {
  await mkdir(path.join(home, 'logs'), { recursive: true, mode: 0o700 });
  await writeFile(path.join(home, 'config.json'), `${JSON.stringify({ binary: engineBinary() })}\n`, { mode: 0o600 });
  await writeFile(path.join(home, 'logs', 'node-0.log'), 'an earlier run\n', { mode: 0o600 });
}

async function mounted(sizeKiB?: number): Promise<TestMount> {
  const mount = await tmpfsMount(sizeKiB);
  tests.defer(() => mount.cleanup());
  return mount;
}

const startArgs = async (): Promise<string[]> => ['start', '--port', String(await freePortRange(1))];

describe('C8CTL_NANO_HOME names a regular file', () => {
  it('start, status, stop, logs, set bin and clean each say so in one line; the file is untouched', async () => {
    const s = await tests.create();
    const dir = await scratch();
    const file = path.join(dir, 'not a home');
    await writeFile(file, 'just a file\n');
    const before = await snapshot(dir);
    const home = { C8CTL_NANO_HOME: file };
    for (const args of [
      await startArgs(),
      ['status'],
      ['stop'],
      ['logs'],
      ['set', 'bin', engineBinary()],
      ['clean', '--yes'],
    ]) {
      const line = expectOneLine(
        await s.run(args, home),
        `The state home ${file} is not a directory`,
        'Set C8CTL_NANO_HOME to a directory',
      );
      expect(line, args.join(' ')).toContain(file);
    }
    expect(await snapshot(dir)).toEqual(before);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });

  it('a file on the way to the home is told the same way, and no directory is made', async () => {
    const s = await tests.create();
    const dir = await scratch();
    await writeFile(path.join(dir, 'file'), 'x\n');
    const before = await snapshot(dir);
    const home = path.join(dir, 'file', 'home');
    expectOneLine(
      await s.run(await startArgs(), { C8CTL_NANO_HOME: home }),
      `The state home ${home} is not a directory`,
    );
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe('bundle --out naming a directory', () => {
  it('is refused in one line; the directory and the home are untouched', async () => {
    const s = await tests.create();
    const dir = await scratch();
    const out = path.join(dir, 'reports.tar.gz');
    await mkdir(out);
    await writeFile(path.join(out, 'keep.txt'), 'mine\n');
    const [outBefore, homeBefore] = [await snapshot(dir), await snapshot(s.home)];
    expectOneLine(await s.run(['bundle', '--out', out]), `--out ${out} is a directory`, 'give the path of a file');
    expect(await snapshot(dir)).toEqual(outBefore);
    expect(await snapshot(s.home)).toEqual(homeBefore);
  });
});

describe.skipIf(!IS_ROOT)('a read-only home (root only: needs a read-only mount)', () => {
  it('start and set bin say so in one line; the home is untouched', async () => {
    const s = await tests.create();
    const mount = await mounted();
    const home = path.join(mount.dir, 'home');
    await fillHome(home);
    mount.remountReadOnly();
    const before = await snapshot(home);
    const env = { C8CTL_NANO_HOME: home };
    expectOneLine(
      await s.run(await startArgs(), env),
      `The state home ${home} is on a read-only file system`,
      'Set C8CTL_NANO_HOME to a writable directory',
    );
    expectOneLine(
      await s.run(['set', 'bin', engineBinary()], env),
      `The state home ${home} is on a read-only file system`,
      `${home}/config.json`,
    );
    expect(await snapshot(home)).toEqual(before);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });

  it('a home that does not exist yet on a read-only disk: start names it', async () => {
    const s = await tests.create();
    const mount = await mounted();
    mount.remountReadOnly();
    const home = path.join(mount.dir, 'new', 'home');
    expectOneLine(
      await s.run(await startArgs(), { C8CTL_NANO_HOME: home }),
      `The state home ${home} is on a read-only file system`,
    );
    expect(Object.keys(await snapshot(mount.dir))).toEqual(['.']);
  });
});

describe.skipIf(!IS_ROOT)('an immutable home (root only: chattr +i on a tmpfs)', () => {
  it('start and set bin say so in one line, with the fix; the home is untouched', async () => {
    const s = await tests.create();
    const mount = await mounted();
    const home = path.join(mount.dir, 'home');
    await fillHome(home);
    mount.makeImmutable(home);
    const before = await snapshot(home);
    const env = { C8CTL_NANO_HOME: home };
    expectOneLine(
      await s.run(await startArgs(), env),
      `The state home ${home} cannot be changed: the operation is not permitted`,
      `chattr -i '${home}'`,
    );
    expectOneLine(
      await s.run(['set', 'bin', engineBinary()], env),
      `The state home ${home} cannot be changed`,
      'set C8CTL_NANO_HOME to a writable directory',
    );
    expect(await snapshot(home)).toEqual(before);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });
});

describe.skipIf(!IS_ROOT)('a full disk (root only: a small tmpfs, filled up)', () => {
  it('with no space at all: start and set bin say so in one line; the home is untouched', async () => {
    const s = await tests.create();
    const mount = await mounted();
    const home = path.join(mount.dir, 'home');
    await fillHome(home);
    await mount.fill(0);
    const before = await snapshot(home);
    const env = { C8CTL_NANO_HOME: home };
    expectOneLine(
      await s.run(await startArgs(), env),
      `The state home ${home} is on a full disk`,
      `df -h '${home}'`,
      'set C8CTL_NANO_HOME to a directory on another disk',
    );
    expectOneLine(await s.run(['set', 'bin', engineBinary()], env), `The state home ${home} is on a full disk`);
    expect(await snapshot(home)).toEqual(before);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });

  it('with no space and no home yet: start makes no home', async () => {
    const s = await tests.create();
    const mount = await mounted();
    await mount.fill(0);
    const before = await snapshot(mount.dir);
    const home = path.join(mount.dir, 'home');
    expectOneLine(
      await s.run(['start', '--binary', engineBinary(), '--port', String(await freePortRange(1))], {
        C8CTL_NANO_HOME: home,
      }),
      `The state home ${home} is on a full disk`,
    );
    expect(await snapshot(mount.dir)).toEqual(before);
  });

  // A little space left: the start gets further each time, and fails writing its state (one page) or
  // in the engine itself (which says "database or disk is full", or only "disk I/O error").
  it.each([1, 2, 6, 20])(
    'with %i page(s) left: start rolls back every node, file and directory it made',
    async (pages) => {
      const s = await tests.create();
      const mount = await mounted();
      const home = path.join(mount.dir, 'home');
      await fillHome(home);
      await mount.fill(pages * 4096);
      const before = await snapshot(home);
      const result = await s.run(['start', '2', '--port', String(await freePortRange(2))], { C8CTL_NANO_HOME: home });
      const line = expectOneLine(result, home, 'full', `df -h '${home}'`, 'C8CTL_NANO_HOME');
      if (line.startsWith('✗ Node')) expect(line).toContain('everything this start wrote was removed');
      expect(processesWithMarker(s.marker), 'nodes left running').toEqual([]);
      expect(await snapshot(home), 'the home changed').toEqual(before);
      expect(await readFile(path.join(home, 'logs', 'node-0.log'), 'utf8')).toBe('an earlier run\n');
    },
  );
});
