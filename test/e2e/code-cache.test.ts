// The bins run their bundle through a V8 code cache kept beside it (src/code-cache/run-bundle.ts).
// It must speed up a repeated command and never change what runs: a cache for another bundle, one V8
// refuses, or one someone else could have written is not used, and a folder or disk that will not
// take it costs nothing but the speed. Each test runs a private copy of the built bins.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IS_ROOT, tmpfsMount } from '../support/mounts.js';

const DIST = path.resolve('dist/src');
const posix = process.platform !== 'win32';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Copy {
  readonly bin: string;
  readonly bundle: string;
  readonly cacheDir: string;
  run(args: readonly string[]): { stdout: string; code: number };
  /** The cache folder's entries (temp files included). */
  entries(): Promise<string[]>;
}

/** Our package (package.json, manifest, the two files of the bin) copied into `root`. */
async function copyPackage(root?: string): Promise<Copy> {
  const dir = root ?? (await mkdtemp(path.join(os.tmpdir(), 'nano code-cache é-')));
  if (!root) cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const home = await mkdtemp(path.join(os.tmpdir(), 'nano code-cache home-'));
  cleanups.push(() => rm(home, { recursive: true, force: true }));
  const src = path.join(dir, 'dist', 'src');
  await mkdir(src, { recursive: true });
  for (const file of ['package.json', 'binary-manifest.json']) await copyFile(file, path.join(dir, file));
  for (const file of ['bin.cjs', 'main-nano.cjs']) await copyFile(path.join(DIST, file), path.join(src, file));
  return withBin(path.join(src, 'bin.cjs'), home);
}

function withBin(bin: string, home: string): Copy {
  const cacheDir = path.join(path.dirname(bin), '.v8-cache');
  return {
    bin,
    bundle: path.join(path.dirname(bin), 'main-nano.cjs'),
    cacheDir,
    run(args) {
      try {
        const stdout = execFileSync(process.execPath, [bin, ...args], {
          encoding: 'utf8',
          env: { ...process.env, C8CTL_NANO_HOME: home, NO_COLOR: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        return { stdout, code: 0 };
      } catch (error) {
        const failed = error as { stdout: string; status: number };
        return { stdout: failed.stdout, code: failed.status };
      }
    },
    entries: async () => (existsSync(cacheDir) ? (await readdir(cacheDir)).sort() : []),
  };
}

/** The cache file's first line, its newline included. */
const headerLine = (file: string): Buffer => {
  const bytes = readFileSync(file);
  return bytes.subarray(0, bytes.indexOf(0x0a) + 1);
};
const headerOf = (file: string): Record<string, unknown> => JSON.parse(headerLine(file).toString('utf8'));
/** The bundle as the header names it, written out here rather than taken from the code under test. */
const bundleKey = (file: string): string => {
  const s = statSync(file);
  return `${s.size}:${s.mtimeMs}:${s.ino}`;
};
const identity = (file: string): string => {
  const s = statSync(file);
  return `${s.ino}:${s.mtimeMs}:${s.size}`;
};

describe.skipIf(!posix)('the code cache of the bins', () => {
  it('is written by the first status, used by the next, and never by --version', async () => {
    const copy = await copyPackage();
    const first = copy.run(['status']);
    expect(first.stdout).toContain('No cluster is tracked');
    const cache = path.join(copy.cacheDir, 'status.bin');
    expect(headerOf(cache)).toEqual({ node: process.version, arch: process.arch, bundle: bundleKey(copy.bundle) });
    expect(statSync(cache).mode & 0o022, 'nobody else can write it').toBe(0);
    const written = identity(cache);

    expect(copy.run(['status'])).toEqual(first);
    expect(identity(cache), 'an accepted cache is not written again').toBe(written);
    copy.run(['--version']);
    expect(await copy.entries()).toEqual(['status.bin']);
  });

  it('is made again for a rebuilt bundle, and when V8 refuses what it holds', async () => {
    const copy = await copyPackage();
    const first = copy.run(['status']);
    const cache = path.join(copy.cacheDir, 'status.bin');
    const before = readFileSync(cache);

    const later = new Date(Date.now() + 5_000);
    await utimes(copy.bundle, later, later);
    expect(copy.run(['status'])).toEqual(first);
    expect(headerOf(cache).bundle).toBe(bundleKey(copy.bundle));

    // The right header over data V8 cannot use: the command runs as ever and the data is replaced.
    const header = headerLine(cache);
    await writeFile(cache, Buffer.concat([header, Buffer.alloc(before.length - header.length, 0x5a)]));
    expect(copy.run(['status'])).toEqual(first);
    expect(
      readFileSync(cache)
        .subarray(header.length)
        .every((b) => b === 0x5a),
    ).toBe(false);
    expect(await copy.entries()).toEqual(['status.bin']);
  });
});

/**
 * V8 checks cached data against its source by length only, so data made from another program of the
 * same length runs that program (src/code-cache/cache-file.ts). These tests plant such data, with the
 * right header, where someone else could have put it, and expect the genuine program to run.
 */
describe.skipIf(!posix)('a planted code cache', () => {
  const GENUINE = '"use strict";process.stdout.write("genuine\\n");';
  const PLANTED = '"use strict";process.stdout.write("planted\\n");';

  /** The real launcher beside a one-line program, and cached data made from the planted line. */
  async function planted(): Promise<Copy & { plant: () => Promise<string> }> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'nano code-cache plant-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await copyFile(path.join(DIST, 'bin.cjs'), path.join(dir, 'bin.cjs'));
    await writeFile(path.join(dir, 'main-nano.cjs'), GENUINE);
    const copy = withBin(path.join(dir, 'bin.cjs'), dir);
    const plant = async (): Promise<string> => {
      await mkdir(copy.cacheDir, { recursive: true, mode: 0o755 });
      const file = path.join(copy.cacheDir, 'status.bin');
      const maker = [
        "const vm = require('node:vm'), fs = require('node:fs');",
        'const [source, bundle, out] = process.argv.slice(1);',
        'const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\\n})`, { filename: bundle });',
        "script.runInThisContext().call({}, {}, require, {}, bundle, '.');",
        'const s = fs.statSync(bundle);',
        'const header = JSON.stringify({ node: process.version, arch: process.arch, bundle: `${s.size}:${s.mtimeMs}:${s.ino}` });',
        "fs.writeFileSync(out, Buffer.concat([Buffer.from(header + '\\n'), script.createCachedData()]), { mode: 0o644 });",
      ].join('\n');
      execFileSync(process.execPath, ['-e', maker, PLANTED, copy.bundle, file], { stdio: 'ignore' });
      await chmod(file, 0o644);
      return file;
    };
    return { ...copy, plant };
  }

  // The control: without it, a plant that failed to take would make every test below pass.
  it('with our own owner and modes, and the right header, is run: the folder is trusted as the bundle is', async () => {
    const copy = await planted();
    await copy.plant();
    expect(copy.run(['status']).stdout).toBe('planted\n');
  });

  it('writable by others, or by the group, is not run', async () => {
    for (const mode of [0o666, 0o664]) {
      const copy = await planted();
      const file = await copy.plant();
      await chmod(file, mode);
      expect(copy.run(['status']).stdout).toBe('genuine\n');
      // Replaced by our own, which nobody else can write.
      expect(statSync(file).mode & 0o022).toBe(0);
    }
  });

  it('in a folder others can write is neither run nor written over', async () => {
    const copy = await planted();
    const file = await copy.plant();
    await chmod(copy.cacheDir, 0o777);
    const before = identity(file);
    expect(copy.run(['status']).stdout).toBe('genuine\n');
    expect(identity(file)).toBe(before);
    expect(await copy.entries()).toEqual(['status.bin']);
  });

  it('behind a symbolic link is not run', async () => {
    const copy = await planted();
    const file = await copy.plant();
    const elsewhere = path.join(path.dirname(copy.bin), 'elsewhere.bin');
    await copyFile(file, elsewhere);
    await rm(file);
    await symlink(elsewhere, file);
    expect(copy.run(['status']).stdout).toBe('genuine\n');
    expect(lstatSync(file).isSymbolicLink(), 'our own file replaced the link').toBe(false);
  });

  it.skipIf(!IS_ROOT)('owned by another user is not run (root only: it gives the file away)', async () => {
    const copy = await planted();
    const file = await copy.plant();
    await chown(file, 65534, 65534);
    expect(copy.run(['status']).stdout).toBe('genuine\n');
  });
});

describe.skipIf(!posix)('where the cache cannot be kept', () => {
  it('a file where its folder goes: the command runs, the file stays as it was', async () => {
    const copy = await copyPackage();
    await writeFile(copy.cacheDir, 'not a folder');
    expect(copy.run(['status']).stdout).toContain('No cluster is tracked');
    expect(readFileSync(copy.cacheDir, 'utf8')).toBe('not a folder');
    expect((await readdir(path.dirname(copy.bin))).sort()).toEqual(['.v8-cache', 'bin.cjs', 'main-nano.cjs']);
  });

  it.skipIf(!IS_ROOT)(
    'a full disk: the command runs and leaves no cache and no temp file (root only: mounts a tmpfs)',
    async () => {
      const mount = await tmpfsMount(2048);
      cleanups.push(() => mount.cleanup());
      const copy = await copyPackage(mount.dir);
      await mkdir(copy.cacheDir, { mode: 0o755 });
      await mount.fill(8 * 1024);
      expect(copy.run(['status']).stdout).toContain('No cluster is tracked');
      expect(await copy.entries()).toEqual([]);
    },
  );

  const setpriv = spawnSync('setpriv', ['--version']).status === 0;
  it.skipIf(!IS_ROOT || !setpriv)(
    'a global install by root, run by another user: no cache until root writes one, and then nothing else (root only: runs the bin as nobody)',
    async () => {
      const copy = await copyPackage();
      // mkdtemp made the folder private; a global install is readable by all.
      await chmod(path.dirname(path.dirname(path.dirname(copy.bin))), 0o755);
      const home = await mkdtemp(path.join(os.tmpdir(), 'nano code-cache nobody-'));
      cleanups.push(() => rm(home, { recursive: true, force: true }));
      await chown(home, 65534, 65534);
      const asNobody = (): string => {
        const run = spawnSync(
          'setpriv',
          ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, copy.bin, 'status'],
          { encoding: 'utf8', env: { ...process.env, C8CTL_NANO_HOME: home, NO_COLOR: '1' } },
        );
        expect(run.stderr).toBe('');
        return run.stdout;
      };
      expect(asNobody()).toContain('No cluster is tracked');
      expect(existsSync(copy.cacheDir), 'nobody cannot write the install').toBe(false);

      copy.run(['status']); // root, as after a global install, writes it
      const cache = path.join(copy.cacheDir, 'status.bin');
      const written = identity(cache);
      expect(asNobody()).toContain('No cluster is tracked');
      expect(identity(cache), "root's cache stays as it was").toBe(written);
      expect(await copy.entries()).toEqual(['status.bin']);
    },
  );
});
