// The release scripts, run compiled as a release runs them: build-platform-packages on fake release
// assets (real headers, no real engine), stamp-optional-deps on a copy of package.json, and the
// argument checks of publish-platform-packages (its publishing is tested against a real registry in
// registry.test.ts). Every run writes into temp folders only; the tracked binary-manifest.json,
// package.json and dist-platforms/ of the repository are checked untouched at the end.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../platforms.js';
import {
  elf64,
  macho64,
  pe,
  textFile,
  universalMacho,
  writeReleaseAssets,
  DEFAULT_MARKER,
} from '../support/fake-binaries.js';
import { cleanEnv } from '../support/registry.js';
import { runProcess } from '../support/run-process.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = '1.2.3';
const byId = (id: string) => PLATFORMS.find((p) => p.id === id)!;

interface ScriptResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function script(
  name: 'build-platform-packages' | 'stamp-optional-deps' | 'publish-platform-packages',
  args: readonly string[],
): Promise<ScriptResult> {
  const file = path.join(REPO, 'dist', 'scripts', `${name}.js`);
  const result = await runProcess(process.execPath, [file, ...args], { cwd: REPO, env: cleanEnv(), timeoutMs: 60_000 });
  return { code: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface TarEntry {
  readonly path: string;
  readonly mode: number;
  readonly size: number;
  readonly type: string;
  readonly text?: string;
}

/** Every entry of a .tgz, as npm would read it; small text files also with their content. */
async function tarEntries(file: string): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  await tar.list({
    file,
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      const keep = entry.path.endsWith('.json') || entry.path.endsWith('.md');
      if (keep) entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => {
        entries.push({
          path: entry.path,
          mode: (entry.mode ?? 0) & 0o7777,
          size: entry.size ?? -1,
          type: entry.type,
          ...(keep ? { text: Buffer.concat(chunks).toString('utf8') } : {}),
        });
      });
    },
  });
  return entries;
}

/** Path → sha256 of every file under dir (for "nothing written, nothing deleted"). */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  if (!existsSync(dir)) return result;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    result[path.relative(dir, file)] = sha256(await readFile(file));
  }
  return result;
}

// The repository's tracked release outputs must never be touched by these tests.
// (Of package.json only what stamp-optional-deps writes: others may edit the rest meanwhile.)
const stampedFields = () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  return JSON.stringify({ version: pkg.version, optionalDependencies: pkg.optionalDependencies });
};
const guarded = { manifest: '', packageJson: '', distPlatforms: false };
beforeAll(() => {
  guarded.manifest = readFileSync(path.join(REPO, 'binary-manifest.json'), 'utf8');
  guarded.packageJson = stampedFields();
  guarded.distPlatforms = existsSync(path.join(REPO, 'dist-platforms'));
  if (!existsSync(path.join(REPO, 'dist', 'scripts', 'build-platform-packages.js')))
    throw new Error('dist/scripts is missing: run "npm run build" first.');
});
afterAll(() => {
  expect(readFileSync(path.join(REPO, 'binary-manifest.json'), 'utf8'), 'the tracked binary-manifest.json').toBe(
    guarded.manifest,
  );
  expect(stampedFields(), 'version and optionalDependencies of the tracked package.json').toBe(guarded.packageJson);
  expect(existsSync(path.join(REPO, 'dist-platforms')), 'dist-platforms/ in the repository').toBe(
    guarded.distPlatforms,
  );
});

const temps: string[] = [];
afterEach(async () => {
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nano release é-'));
  temps.push(dir);
  return dir;
}

describe('build-platform-packages', () => {
  it('builds a package, an npm-style tarball and a manifest record for each of the six platforms', async () => {
    const tmp = await tempDir();
    const assets = await writeReleaseAssets(path.join(tmp, 'bin'));
    const out = path.join(tmp, 'out');
    const manifestFile = path.join(tmp, 'binary-manifest.json');

    const result = await script('build-platform-packages', [
      VERSION,
      assets.dir,
      '--out',
      out,
      '--manifest',
      manifestFile,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`Built 6 platform package(s) ${VERSION} (engine 0.0.22)`);

    // Exactly one folder and one tarball per platform, nothing else.
    const expectedOut = PLATFORMS.flatMap((p) => [
      p.id,
      `${p.packageName.slice(1).replace('/', '-')}-${VERSION}.tgz`,
    ]).sort();
    expect((await readdir(out)).sort()).toEqual(expectedOut);
    expect(expectedOut).toContain('nanobpm-c8ctl-plugin-nano-linux-x64-1.2.3.tgz');

    for (const platform of PLATFORMS) {
      const dir = path.join(out, platform.id);
      const template = JSON.parse(await readFile(path.join(REPO, 'npm', platform.id, 'package.json'), 'utf8'));
      const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
      expect(pkg, platform.id).toEqual({ ...template, version: VERSION });
      expect(pkg).toMatchObject({
        name: platform.packageName,
        version: VERSION,
        os: [platform.os],
        cpu: [platform.cpu],
        files: [platform.binaryName],
        preferUnplugged: true,
      });
      if (platform.os === 'linux') expect(pkg.libc).toEqual(['glibc']);
      else expect(pkg).not.toHaveProperty('libc');
      expect((await readdir(dir)).sort()).toEqual(['README.md', 'package.json', platform.binaryName].sort());
      expect(await readFile(path.join(dir, 'README.md'), 'utf8')).toBe(
        await readFile(path.join(REPO, 'npm', platform.id, 'README.md'), 'utf8'),
      );

      const binary = path.join(dir, platform.binaryName);
      const assetBytes = await readFile(assets.files[platform.id]!);
      expect((await readFile(binary)).equals(assetBytes), `${platform.id} binary is the asset`).toBe(true);
      // The assets were written 0644 (as downloaded): the build makes the binary executable.
      if (platform.os !== 'win32')
        expect(((await stat(binary)).mode & 0o777).toString(8), `${platform.id} binary mode`).toBe('755');

      const tarball = path.join(out, `${platform.packageName.replace(/^@/, '').replace('/', '-')}-${VERSION}.tgz`);
      const entries = await tarEntries(tarball);
      expect(entries.map((e) => e.path).sort(), platform.id).toEqual(
        ['package/README.md', 'package/package.json', `package/${platform.binaryName}`].sort(),
      );
      expect(entries.every((e) => e.type === 'File' && e.path.startsWith('package/'))).toBe(true);
      const binaryEntry = entries.find((e) => e.path === `package/${platform.binaryName}`)!;
      expect(binaryEntry.size).toBe(assetBytes.length);
      if (platform.os !== 'win32')
        expect(binaryEntry.mode.toString(8), `${platform.id} binary mode in the tarball`).toBe('755');
      expect(JSON.parse(entries.find((e) => e.path === 'package/package.json')!.text!)).toEqual(pkg);
    }

    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    expect(manifest).toEqual({
      version: '0.0.22',
      commit: DEFAULT_MARKER.commit,
      date: DEFAULT_MARKER.updated,
      packageVersion: VERSION,
      platforms: Object.fromEntries(
        PLATFORMS.map((p) => {
          const bytes = readFileSync(assets.files[p.id]!);
          return [p.id, { package: p.packageName, file: p.binaryName, sha256: sha256(bytes), size: bytes.length }];
        }),
      ),
    });
  });

  it('with the tar CLI too: entries under package/, the engine -rwxr-xr-x', async () => {
    const tmp = await tempDir();
    const assets = await writeReleaseAssets(path.join(tmp, 'bin'));
    const out = path.join(tmp, 'out');
    const result = await script('build-platform-packages', [
      VERSION,
      assets.dir,
      '--out',
      out,
      '--manifest',
      path.join(tmp, 'm.json'),
      '--only',
      'linux-arm64,win32-x64',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const listing = await runProcess('tar', [
      '-tzvf',
      path.join(out, 'nanobpm-c8ctl-plugin-nano-linux-arm64-1.2.3.tgz'),
    ]);
    expect(listing.exitCode, listing.stderr).toBe(0);
    const lines = listing.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => / package\/[^ ]+$/.test(l))).toBe(true);
    expect(lines.find((l) => l.endsWith(' package/nanobpm-gateway-rest-server'))).toMatch(/^-rwxr-xr-x /);
    const windows = await runProcess('tar', ['-tzf', path.join(out, 'nanobpm-c8ctl-plugin-nano-win32-x64-1.2.3.tgz')]);
    expect(windows.exitCode, windows.stderr).toBe(0);
    expect(windows.stdout.trim().split('\n').sort()).toEqual([
      'package/README.md',
      'package/nanobpm-gateway-rest-server.exe',
      'package/package.json',
    ]);
  });

  it('--only linux-x64 builds just that package, even when other assets are missing', async () => {
    const tmp = await tempDir();
    const assets = await writeReleaseAssets(path.join(tmp, 'bin'), {
      assets: { 'darwin-arm64': null, 'win32-x64': textFile() },
    });
    const out = path.join(tmp, 'out');
    const manifestFile = path.join(tmp, 'binary-manifest.json');
    const result = await script('build-platform-packages', [
      VERSION,
      assets.dir,
      '--out',
      out,
      '--manifest',
      manifestFile,
      '--only',
      'linux-x64',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Built 1 platform package(s)');
    expect((await readdir(out)).sort()).toEqual(['linux-x64', 'nanobpm-c8ctl-plugin-nano-linux-x64-1.2.3.tgz']);
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    expect(Object.keys(manifest.platforms)).toEqual(['linux-x64']);
    expect(manifest.platforms['linux-x64'].sha256).toBe(sha256(await readFile(assets.files['linux-x64']!)));
  });

  it('accepts a universal Mach-O holding both CPUs for darwin-x64 and darwin-arm64', async () => {
    const tmp = await tempDir();
    const fat = universalMacho(['x64', 'arm64']);
    const assets = await writeReleaseAssets(path.join(tmp, 'bin'), {
      assets: { 'darwin-x64': fat, 'darwin-arm64': fat },
    });
    const out = path.join(tmp, 'out');
    const manifestFile = path.join(tmp, 'binary-manifest.json');
    const result = await script('build-platform-packages', [
      VERSION,
      assets.dir,
      '--out',
      out,
      '--manifest',
      manifestFile,
      '--only',
      'darwin-x64,darwin-arm64',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    for (const id of ['darwin-x64', 'darwin-arm64']) {
      expect((await readFile(path.join(out, id, 'nanobpm-gateway-rest-server'))).equals(fat)).toBe(true);
      expect(manifest.platforms[id]).toEqual({
        package: byId(id).packageName,
        file: 'nanobpm-gateway-rest-server',
        sha256: sha256(fat),
        size: fat.length,
      });
    }
  });

  it('takes the engine version and commit from flags when there is no marker (a leading "v" dropped)', async () => {
    const tmp = await tempDir();
    const assets = await writeReleaseAssets(path.join(tmp, 'bin'), { marker: null });
    const manifestFile = path.join(tmp, 'binary-manifest.json');
    const before = Date.now();
    const result = await script('build-platform-packages', [
      VERSION,
      assets.dir,
      '--out',
      path.join(tmp, 'out'),
      '--manifest',
      manifestFile,
      '--only',
      'linux-x64',
      '--engine-version',
      'v0.0.30',
      '--commit',
      'deadbeef',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    expect(manifest).toMatchObject({ version: '0.0.30', commit: 'deadbeef', packageVersion: VERSION });
    expect(Date.parse(manifest.date)).toBeGreaterThanOrEqual(before - 1_000);
  });

  describe('refuses, exit 1, naming the cause, and writes nothing', () => {
    const cases: Array<[string, Parameters<typeof writeReleaseAssets>[1], string[], string[]]> = [
      [
        'a missing asset',
        { assets: { 'darwin-x64': null } },
        [],
        ['nanobpm-gateway-rest-server-darwin-x64: missing from'],
      ],
      [
        'an arm64 ELF named as the linux-x64 asset',
        { assets: { 'linux-x64': elf64('arm64') } },
        [],
        ['nanobpm-gateway-rest-server-linux-x64: it is built for arm64, not x64'],
      ],
      [
        'an x64 ELF named as the linux-arm64 asset',
        { assets: { 'linux-arm64': elf64('x64') } },
        [],
        ['nanobpm-gateway-rest-server-linux-arm64: it is built for x64, not arm64'],
      ],
      [
        'a Mach-O named as a linux asset',
        { assets: { 'linux-x64': macho64('x64') } },
        [],
        ['nanobpm-gateway-rest-server-linux-x64: it is a Mach-O (macOS) executable, not one for linux'],
      ],
      [
        'a PE arm64 named as the win32-x64 asset',
        { assets: { 'win32-x64': pe('arm64') } },
        [],
        ['nanobpm-gateway-rest-server-win32-x64.exe: it is built for arm64, not x64'],
      ],
      [
        'an ELF named as the win32-x64 asset',
        { assets: { 'win32-x64': elf64('x64') } },
        [],
        ['nanobpm-gateway-rest-server-win32-x64.exe: it is an ELF (Linux) executable, not one for win32'],
      ],
      [
        'an x64-only universal Mach-O as darwin-arm64',
        { assets: { 'darwin-arm64': universalMacho(['x64']) } },
        [],
        ['nanobpm-gateway-rest-server-darwin-arm64: it is built for x64, not arm64'],
      ],
      [
        'a text file as an asset',
        { assets: { 'linux-arm64': textFile() } },
        [],
        ['nanobpm-gateway-rest-server-linux-arm64: it is not an executable (no ELF, Mach-O or PE header)'],
      ],
      [
        'two bad assets at once (both named)',
        { assets: { 'linux-x64': elf64('arm64'), 'darwin-x64': null } },
        [],
        [
          '2 asset problem(s)',
          'nanobpm-gateway-rest-server-linux-x64: it is built for arm64',
          'nanobpm-gateway-rest-server-darwin-x64: missing from',
        ],
      ],
      [
        'an unknown --only id',
        {},
        ['--only', 'linux-x64,linux-mips'],
        [
          'Unknown platform(s) linux-mips',
          'known: darwin-arm64, darwin-x64, linux-x64, linux-arm64, linux-arm, win32-x64',
        ],
      ],
      [
        'no engine version (no marker, no --engine-version)',
        { marker: null },
        [],
        ['The engine version is unknown', 'nanobpmn-binary.json', '--engine-version'],
      ],
    ];

    it.each(cases)('%s', async (_name, assetOptions, extraArgs, expected) => {
      const tmp = await tempDir();
      const assets = await writeReleaseAssets(path.join(tmp, 'bin'), assetOptions);
      // A previous build in --out and a previous manifest: both must survive byte for byte.
      const out = path.join(tmp, 'out');
      await mkdir(path.join(out, 'linux-x64'), { recursive: true });
      await writeFile(path.join(out, 'linux-x64', 'package.json'), '{"previous": true}\n');
      await writeFile(path.join(out, 'nanobpm-c8ctl-plugin-nano-linux-x64-1.2.3.tgz'), 'previous tarball');
      const manifestFile = path.join(tmp, 'binary-manifest.json');
      await writeFile(manifestFile, '{"previous": "manifest"}\n');
      const before = await snapshot(out);

      const result = await script('build-platform-packages', [
        VERSION,
        assets.dir,
        '--out',
        out,
        '--manifest',
        manifestFile,
        ...extraArgs,
      ]);
      expect(result.code, result.stdout + result.stderr).toBe(1);
      for (const text of expected) expect(result.stderr).toContain(text);
      expect(result.stderr).toMatch(/^✗ /);
      expect(await snapshot(out), 'files in --out').toEqual(before);
      expect(await readFile(manifestFile, 'utf8')).toBe('{"previous": "manifest"}\n');
    });

    it.each([
      ['a bad version "1.2"', ['1.2'], ['"1.2" is not a semantic version']],
      ['no version at all', [], ['A version is required']],
    ])('%s', async (_name, versionArgs, expected) => {
      const tmp = await tempDir();
      const assets = await writeReleaseAssets(path.join(tmp, 'bin'));
      const out = path.join(tmp, 'out');
      const manifestFile = path.join(tmp, 'binary-manifest.json');
      await writeFile(manifestFile, '{"previous": "manifest"}\n');
      const args = versionArgs.length > 0 ? [...versionArgs, assets.dir] : [];
      const result = await script('build-platform-packages', [...args, '--out', out, '--manifest', manifestFile]);
      expect(result.code).toBe(1);
      for (const text of expected) expect(result.stderr).toContain(text);
      expect(result.stderr).toContain('Usage: npm run build-platform-packages');
      expect(existsSync(out)).toBe(false);
      expect(await readFile(manifestFile, 'utf8')).toBe('{"previous": "manifest"}\n');
    });
  });
});

describe('stamp-optional-deps', () => {
  async function stagedPackage(): Promise<{ dir: string; file: string; original: any }> {
    const dir = await tempDir();
    const original = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    // Another optional dependency that must survive, and an old pin that must be replaced.
    original.optionalDependencies = {
      fsevents: '^2.3.3',
      ...original.optionalDependencies,
      '@nanobpm/c8ctl-plugin-nano-darwin-x64': '0.9.0',
    };
    const file = path.join(dir, 'package.json');
    await writeFile(file, `${JSON.stringify(original, null, 2)}\n`);
    return { dir, file, original };
  }

  it('pins all six platform packages to the version and keeps everything else', async () => {
    const { dir, file, original } = await stagedPackage();
    const result = await script('stamp-optional-deps', ['2.0.0-rc.1', '--package', dir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('6 platform package(s) pinned to 2.0.0-rc.1');
    const stamped = JSON.parse(await readFile(file, 'utf8'));
    expect(stamped.optionalDependencies).toEqual({
      fsevents: '^2.3.3',
      ...Object.fromEntries(PLATFORMS.map((p) => [p.packageName, '2.0.0-rc.1'])),
    });
    const { optionalDependencies: _a, ...rest } = stamped;
    const { optionalDependencies: _b, ...originalRest } = original;
    expect(rest).toEqual(originalRest);
  });

  it('records the engine version from binary-manifest.json and the release notes, which update --check shows', async () => {
    const { dir, file } = await stagedPackage();
    await writeFile(
      path.join(dir, 'binary-manifest.json'),
      JSON.stringify({ version: 'v0.0.23', commit: 'abc', platforms: {} }),
    );
    const notes = path.join(dir, 'NOTES.md');
    await writeFile(notes, `  Faster boot.\n${'x'.repeat(5000)}`);
    const result = await script('stamp-optional-deps', ['2.0.0', '--package', dir, '--notes', notes]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('engine 0.0.23, release notes recorded');
    const stamped = JSON.parse(await readFile(file, 'utf8'));
    expect(stamped.engineVersion).toBe('0.0.23');
    expect(stamped.releaseNotes.startsWith('Faster boot.')).toBe(true);
    expect(stamped.releaseNotes.length).toBe(4000);
    // Without a released manifest no engine version is recorded; a missing notes file is refused, nothing written.
    const plain = await stagedPackage();
    expect((await script('stamp-optional-deps', ['2.0.0', '--package', plain.dir])).code).toBe(0);
    expect(JSON.parse(await readFile(plain.file, 'utf8')).engineVersion).toBeUndefined();
    const before = await readFile(plain.file, 'utf8');
    const missing = await script('stamp-optional-deps', [
      '2.0.0',
      '--package',
      plain.dir,
      '--notes',
      path.join(plain.dir, 'nope.md'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
    expect(await readFile(plain.file, 'utf8')).toBe(before);
  });

  it('--only linux-x64 pins that one package; the other platform packages are dropped', async () => {
    const { dir, file } = await stagedPackage();
    const result = await script('stamp-optional-deps', ['2.0.0', '--package', dir, '--only', 'linux-x64']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('1 platform package(s) pinned to 2.0.0');
    expect(JSON.parse(await readFile(file, 'utf8')).optionalDependencies).toEqual({
      fsevents: '^2.3.3',
      '@nanobpm/c8ctl-plugin-nano-linux-x64': '2.0.0',
    });
  });

  it.each([
    ['a bad version', ['1.2'], '"1.2" is not a semantic version'],
    ['a version with a leading v', ['v1.2.3'], '"v1.2.3" is not a semantic version'],
    ['an unknown --only id', ['1.2.3', '--only', 'freebsd-x64'], 'Unknown platform(s) freebsd-x64'],
  ])('refuses %s and leaves the file alone', async (_name, args, expected) => {
    const { dir, file } = await stagedPackage();
    const before = await readFile(file, 'utf8');
    const result = await script('stamp-optional-deps', [...args, '--package', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(expected);
    expect(await readFile(file, 'utf8')).toBe(before);
  });
});

describe('publish-platform-packages', () => {
  it.each([
    ['a bad version', ['1.2'], '"1.2" is not a semantic version'],
    ['no version', [], 'A version is required'],
  ])('refuses %s before touching any registry', async (_name, args, expected) => {
    const tmp = await tempDir();
    // Port 9 (discard) on loopback: nothing answers there, and it must not even be asked.
    const result = await script('publish-platform-packages', [
      ...args,
      '--registry',
      'http://127.0.0.1:9',
      '--out',
      tmp,
      '--root',
      tmp,
      '--only',
      'linux-x64',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(expected);
    expect(result.stderr).toContain('Usage: npm run publish-platform-packages');
    expect(result.stdout).toBe('');
  });
});
