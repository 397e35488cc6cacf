// The stat walk behind the trust rules, on real files: which paths it judges and in which role.
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertTrusted, UnsafePermissionsError, untrustedPath } from '../../../src/os/trusted-path.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-trust-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(process.platform === 'win32')('untrustedPath', () => {
  it('accepts a private home under /tmp, whether the file exists yet or not', async () => {
    expect(untrustedPath(path.join(dir, 'config.json'), 'state')).toBeNull();
    await writeFile(path.join(dir, 'config.json'), '{}', { mode: 0o644 });
    expect(untrustedPath(path.join(dir, 'config.json'), 'state')).toBeNull();
    expect(untrustedPath(path.join(dir, 'missing', 'deeper', 'x.json'), 'state')).toBeNull();
  });

  it('refuses the file itself when others can write it', async () => {
    const file = path.join(dir, 'cluster.json');
    await writeFile(file, '{}');
    await chmod(file, 0o646);
    expect(untrustedPath(file, 'state')).toMatchObject({
      path: file,
      summary: `${file} is writable by others (mode 0646)`,
      fix: `chmod go-w '${file}'`,
    });
  });

  it('refuses a sticky home (others could plant a missing file) but runs a program from a sticky folder', async () => {
    await chmod(dir, 0o1777);
    expect(untrustedPath(path.join(dir, 'config.json'), 'state')?.path).toBe(dir);
    const program = path.join(dir, 'engine');
    await writeFile(program, '', { mode: 0o755 });
    expect(untrustedPath(program, 'program')).toBeNull();
  });

  it('judges a folder further up by the sticky rule: refused without the bit, accepted with it', async () => {
    const home = path.join(dir, 'home');
    await mkdir(home, { mode: 0o700 });
    await chmod(dir, 0o777);
    expect(untrustedPath(path.join(home, 'config.json'), 'state')?.summary).toBe(
      `${dir} (on the way to ${path.join(home, 'config.json')}) is writable by group and others without the sticky bit (mode 0777)`,
    );
    await chmod(dir, 0o1777);
    expect(untrustedPath(path.join(home, 'config.json'), 'state')).toBeNull();
  });

  it('follows a symlinked home to the folders it really lives in', async () => {
    const open = path.join(dir, 'open');
    await mkdir(path.join(open, 'real-home'), { recursive: true, mode: 0o700 });
    await chmod(open, 0o777);
    const link = path.join(dir, 'private', 'home');
    await mkdir(path.dirname(link), { mode: 0o700 });
    await symlink(path.join(open, 'real-home'), link);
    expect(untrustedPath(path.join(link, 'config.json'), 'state')?.path).toBe(open);
  });

  it('judges a symlinked file by what it points to', async () => {
    const target = path.join(dir, 'elsewhere.json');
    await writeFile(target, '{}');
    await chmod(target, 0o666);
    const home = path.join(dir, 'home');
    await mkdir(home, { mode: 0o700 });
    await symlink(target, path.join(home, 'config.json'));
    expect(untrustedPath(path.join(home, 'config.json'), 'state')?.path).toBe(target);
  });

  it('throws a UserError with code unsafe-permissions, carrying the fix', async () => {
    await chmod(dir, 0o777);
    let caught: unknown;
    try {
      assertTrusted(path.join(dir, 'config.json'), 'state');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnsafePermissionsError);
    expect(caught).toMatchObject({
      code: 'unsafe-permissions',
      exitCode: 1,
      use: 'state',
      unsafe: { fix: `chmod go-w '${dir}'` },
    });
    expect((caught as Error).message).not.toContain('\n');
  });
});
