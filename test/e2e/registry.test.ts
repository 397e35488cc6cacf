// The release, end to end, through a real npm registry (a private verdaccio): build the linux-x64
// platform package from the real engine, stage and stamp the root package, publish both with the
// release script, then install the plugin as a user would and run the engine it brought. Also what a
// user sees when the platform package is missing: --omit=optional, and node_modules copied from a Mac.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, copyFile, cp, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../platforms.js';
import { engineBinary } from '../support/engines.js';
import { freePortRange } from '../support/ports.js';
import { killMarked, MARKER, processesWithMarker } from '../support/processes.js';
import { cleanEnv, startRegistry, type Registry } from '../support/registry.js';
import { runProcess } from '../support/run-process.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const LINUX_X64 = PLATFORMS.find((p) => p.id === 'linux-x64')!;
const PKG = LINUX_X64.packageName; // @nanobpm/c8ctl-plugin-nano-linux-x64
const ROOT = 'c8ctl-plugin-nano';
const ENGINE_VERSION = '0.0.22';

// Unique per run. Release versions, not prereleases: see the KNOWN BUG test at the end.
const stamp = Date.now();
const VERSION = `0.1.${stamp}`;
const UNBUILT = `0.2.${stamp}`;
const PRERELEASE = `0.3.0-e2e.${stamp}`;

const LONG = 300_000;
const marker = randomUUID();
const timings: Record<string, number> = {};
let registry: Registry | undefined;
let tmp = '';
/** The root package exactly as `npm pack` made it, unpacked (its package/ folder). */
let pristineRoot = '';
const out = () => path.join(tmp, 'out');
const manifestFile = () => path.join(out(), 'binary-manifest.json');

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const began = performance.now();
  try {
    return await work();
  } finally {
    timings[label] = Math.round(performance.now() - began);
  }
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function reg(): Registry {
  if (!registry) throw new Error('the registry did not start');
  return registry;
}

async function nodeScript(
  file: string,
  args: readonly string[],
  env: Record<string, string>,
  cwd = REPO,
): Promise<Run> {
  const result = await runProcess(process.execPath, [file, ...args], { cwd, env, timeoutMs: 240_000 });
  return { code: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

const releaseScript = (name: string, args: readonly string[]) =>
  nodeScript(path.join(REPO, 'dist', 'scripts', `${name}.js`), args, reg().npmEnv(reg().authNpmrc));

async function buildPlatformPackage(version: string, outDir: string): Promise<void> {
  const binDir = path.join(tmp, `bin-${version}`);
  await mkdir(binDir, { recursive: true });
  await copyFile(engineBinary(), path.join(binDir, LINUX_X64.asset));
  await chmod(path.join(binDir, LINUX_X64.asset), 0o644);
  await writeFile(
    path.join(binDir, 'nanobpmn-binary.json'),
    JSON.stringify({ version: `v${ENGINE_VERSION}`, commit: 'e2e', updated: new Date(stamp).toISOString() }),
  );
  const built = await releaseScript('build-platform-packages', [
    version,
    binDir,
    '--only',
    'linux-x64',
    '--out',
    outDir,
    '--manifest',
    path.join(outDir, 'binary-manifest.json'),
  ]);
  expect(built.code, built.stderr).toBe(0);
  await rm(binDir, { recursive: true, force: true });
}

/** A copy of the packed root package at `version`, stamped to the linux-x64 package, with the built manifest. */
async function stageRoot(version: string, builtManifest: string): Promise<string> {
  const dir = path.join(tmp, `root-${version}`);
  await cp(pristineRoot, dir, { recursive: true });
  const file = path.join(dir, 'package.json');
  const pkg = JSON.parse(await readFile(file, 'utf8'));
  pkg.version = version;
  await writeFile(file, `${JSON.stringify(pkg, null, 2)}\n`);
  const stamped = await releaseScript('stamp-optional-deps', [version, '--package', dir, '--only', 'linux-x64']);
  expect(stamped.code, stamped.stderr).toBe(0);
  expect(JSON.parse(await readFile(file, 'utf8')).optionalDependencies).toEqual({ [PKG]: version });
  await copyFile(builtManifest, path.join(dir, 'binary-manifest.json'));
  return dir;
}

const publish = (version: string, root: string, outDir = out()) =>
  releaseScript('publish-platform-packages', [
    version,
    '--registry',
    reg().url,
    '--out',
    outDir,
    '--root',
    root,
    '--only',
    'linux-x64',
  ]);

/** `npm view name@version version`: the version when it is on the registry, else ''. */
async function viewVersion(name: string, version: string): Promise<string> {
  const result = await reg().npm(['view', `${name}@${version}`, 'version', '--registry', reg().url]);
  return result.code === 0 ? result.stdout.trim() : '';
}

/** A fresh user project that installs from the private registry. */
async function userProject(name: string, installArgs: readonly string[]): Promise<string> {
  const dir = path.join(tmp, name);
  await mkdir(dir, { recursive: true });
  const init = await reg().npm(['init', '-y'], { cwd: dir, userconfig: reg().anonymousNpmrc });
  expect(init.code, init.stderr).toBe(0);
  await writeFile(path.join(dir, '.npmrc'), `registry=${reg().url}/\n`);
  const installed = await timed(`npm install (${name})`, () =>
    reg().npm(['install', `${ROOT}@${VERSION}`, ...installArgs], { cwd: dir, userconfig: reg().anonymousNpmrc }),
  );
  expect(installed.code, `${installed.stdout}\n${installed.stderr}`).toBe(0);
  return dir;
}

/** The installed plugin's CLI, run in its project with a private home and the test's process marker. */
async function nano(project: string, args: readonly string[]): Promise<Run> {
  const home = path.join(tmp, `home-${path.basename(project)}`);
  const env = {
    ...cleanEnv(),
    C8CTL_NANO_HOME: home,
    [MARKER]: marker,
    NO_COLOR: '1',
    NANOBPMN_REPO: path.join(tmp, 'no-nanobpmn-checkout'),
  };
  return nodeScript(path.join(project, 'node_modules', ROOT, 'dist', 'src', 'bin.cjs'), args, env, project);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'nano-release-e2e-'));
  registry = await timed('start verdaccio', () => startRegistry());

  await timed('build platform package', () => buildPlatformPackage(VERSION, out()));

  // The root package as it would be published: npm pack of this checkout (built by `npm test`).
  const packDir = path.join(tmp, 'pack');
  await mkdir(packDir);
  const packed = await reg().npm(['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], { cwd: REPO });
  expect(packed.code, packed.stderr).toBe(0);
  const filename = (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]?.filename;
  if (!filename) throw new Error(`npm pack reported no tarball: ${packed.stdout}`);
  const unpacked = path.join(tmp, 'root-pristine');
  await mkdir(unpacked);
  await tar.x({ file: path.join(packDir, path.basename(filename)), cwd: unpacked });
  pristineRoot = path.join(unpacked, 'package');
}, LONG);

afterEach(() => {
  // No engine outlives the test that started it.
  expect(killMarked(marker), 'engine processes left running').toEqual([]);
});

afterAll(async () => {
  killMarked(marker);
  await registry?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
  process.stdout.write(`registry e2e timings (ms): ${JSON.stringify(timings)}\n`);
}, 60_000);

describe('releasing through a real registry', () => {
  let root = '';

  it(
    'publishes the platform package and then the root package; a rerun skips both',
    async () => {
      root = await stageRoot(VERSION, manifestFile());
      const first = await timed('publish', () => publish(VERSION, root));
      expect(first.code, `${first.stdout}\n${first.stderr}\n${reg().log()}`).toBe(0);
      expect(first.stdout).toContain(`✓ ${PKG}@${VERSION}`);
      expect(first.stdout).toContain(`✓ ${ROOT}@${VERSION}`);
      expect(first.stdout.indexOf(`✓ ${PKG}@`)).toBeLessThan(first.stdout.indexOf(`✓ ${ROOT}@`));

      expect(await viewVersion(PKG, VERSION)).toBe(VERSION);
      expect(await viewVersion(ROOT, VERSION)).toBe(VERSION);
      const view = await reg().npm(['view', `${ROOT}@${VERSION}`, '--json', '--registry', reg().url]);
      expect(JSON.parse(view.stdout).optionalDependencies).toEqual({ [PKG]: VERSION });
      // Published without the checkout's scripts: nothing for npm to run, or to ask approval for.
      expect(JSON.parse(view.stdout).scripts).toBeUndefined();
      const platformView = JSON.parse(
        (await reg().npm(['view', `${PKG}@${VERSION}`, '--json', '--registry', reg().url])).stdout,
      );
      expect(platformView).toMatchObject({ os: ['linux'], cpu: ['x64'], libc: ['glibc'], preferUnplugged: true });
      // Only what we published is there: the public @nanobpm packages are not proxied.
      expect(await viewVersion(PKG, '1.67.0')).toBe('');

      const again = await timed('publish again', () => publish(VERSION, root));
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain(`${PKG}@${VERSION}: already published, skipped`);
      expect(again.stdout).toContain(`${ROOT}@${VERSION}: already published, skipped`);
      expect(again.stdout).not.toContain('✓');
    },
    LONG,
  );

  it(
    'refuses to publish the root package when its platform package was never built',
    async () => {
      const unbuiltRoot = await stageRoot(UNBUILT, manifestFile());
      const result = await publish(UNBUILT, unbuiltRoot);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Not publishing ${ROOT}@${UNBUILT}`);
      expect(result.stderr).toContain(
        `${PKG}@${UNBUILT}: ${path.join(out(), `nanobpm-c8ctl-plugin-nano-linux-x64-${UNBUILT}.tgz`)} not built`,
      );
      expect(await viewVersion(ROOT, UNBUILT)).toBe('');
      expect(await viewVersion(PKG, UNBUILT)).toBe('');
    },
    LONG,
  );

  describe('installed by a user', () => {
    let project = '';

    it(
      'brings the engine in the platform package; config shows it, start and stop work',
      async () => {
        project = await userProject('user-project', []);
        const installedDir = path.join(project, 'node_modules', '@nanobpm', 'c8ctl-plugin-nano-linux-x64');
        const installedBinary = path.join(installedDir, LINUX_X64.binaryName);
        expect(((await stat(installedBinary)).mode & 0o777).toString(8)).toBe('755');
        expect(
          JSON.parse(await readFile(path.join(project, 'node_modules', ROOT, 'package.json'), 'utf8')).scripts,
        ).toBeUndefined();
        const lock = JSON.parse(await readFile(path.join(project, 'package-lock.json'), 'utf8'));
        expect(lock.packages[`node_modules/${PKG}`]).toMatchObject({ version: VERSION, optional: true });
        expect(lock.packages[`node_modules/${PKG}`].resolved).toMatch(new RegExp(`^${reg().url}/`));
        expect(lock.packages[`node_modules/${ROOT}`].resolved).toMatch(new RegExp(`^${reg().url}/`));

        const version = await nano(project, ['--version']);
        expect(version.code, version.stderr).toBe(0);
        expect(version.stdout).toContain(VERSION);

        const config = await nano(project, ['config', '--json']);
        expect(config.code, config.stderr).toBe(0);
        const json = JSON.parse(config.stdout);
        expect(json.binary).toMatchObject({
          source: 'platform-package',
          path: installedBinary,
          version: ENGINE_VERSION,
          error: null,
        });
        expect(json.binary.path.startsWith(`${installedDir}${path.sep}`)).toBe(true);
        const builtManifest = JSON.parse(await readFile(manifestFile(), 'utf8'));
        expect(json.bundled).toEqual(builtManifest);
        expect(json.bundled).toMatchObject({ version: ENGINE_VERSION, packageVersion: VERSION, commit: 'e2e' });
        expect(json.bundled.platforms['linux-x64'].sha256).toBe(builtManifest.platforms['linux-x64'].sha256);
        // config --json and text mode agree that the engine matches the release: no mismatch warning.
        const text = await nano(project, ['config']);
        expect(text.stderr).not.toContain('does not match');

        const port = await freePortRange(1);
        const started = await timed('start', () => nano(project, ['start', '1', '--port', String(port)]));
        expect(started.code, started.stderr).toBe(0);
        expect(started.stdout).toContain(`Engine    ${ENGINE_VERSION} (platform package ${PKG})`);
        expect(processesWithMarker(marker).length).toBeGreaterThan(0);
        const topology = await fetch(`http://127.0.0.1:${port}/v2/topology`, { signal: AbortSignal.timeout(10_000) });
        expect(topology.status, 'the installed engine answers /v2/topology').toBe(200);

        const stopped = await nano(project, ['stop']);
        expect(stopped.code, stopped.stderr).toBe(0);
        expect(processesWithMarker(marker)).toEqual([]);
      },
      LONG,
    );

    // The npm variant's fetch stage (package name, version, tarball layout, binary name) is plain
    // shell: run here against the real registry. The builds themselves are in containers.test.ts,
    // where no registry serves our packages to a build.
    it(
      'export dockerfile: its fetch stage, run as written against the registry, yields the engine the plugin runs',
      async () => {
        expect(project, 'the install test ran first').not.toBe('');
        const dir = path.join(tmp, 'docker');
        await mkdir(path.join(dir, 'fetch'), { recursive: true });
        const file = path.join(dir, 'Dockerfile');
        const written = await nano(project, ['export', 'dockerfile', '--engine', 'npm', '--out', file]);
        expect(written.code, written.stderr).toBe(0);
        const dockerfile = await readFile(file, 'utf8');
        // The installed plugin names the platform package version it was released with.
        expect(dockerfile).toContain(`"$package@${VERSION}"`);
        expect(dockerfile).toMatch(/^WORKDIR \/fetch$/m);

        const engine = path.join(dir, 'nanobpmn');
        const script = fetchStage(dockerfile).replace(/ \/nanobpmn$/, ` '${engine}'`);
        const env = reg().npmEnv(reg().anonymousNpmrc, { NPM_CONFIG_REGISTRY: `${reg().url}/`, TARGETARCH: 'amd64' });
        const fetched = await runProcess('sh', ['-c', script], {
          cwd: path.join(dir, 'fetch'),
          env,
          timeoutMs: 120_000,
        });
        expect(fetched.exitCode, `${fetched.stdout}\n${fetched.stderr}`).toBe(0);
        expect(((await stat(engine)).mode & 0o777).toString(8)).toBe('755');
        const version = await runProcess(engine, ['--version'], { env: cleanEnv(), timeoutMs: 10_000 });
        expect(version.stdout).toContain(ENGINE_VERSION);

        const otherArch = await runProcess('sh', ['-c', script], {
          cwd: path.join(dir, 'fetch'),
          env: { ...env, TARGETARCH: 's390x' },
          timeoutMs: 30_000,
        });
        expect(otherArch.exitCode).toBe(1);
        expect(otherArch.stderr).toContain('No Nano engine is built for linux/s390x');
      },
      LONG,
    );

    // package.json "bin" once named a file the build never wrote; users then got no command at all.
    it(
      'links a working c8ctl-nano command (npx c8ctl-nano)',
      async () => {
        expect(project, 'the install test ran').not.toBe('');
        const link = path.join(project, 'node_modules', '.bin', 'c8ctl-nano');
        expect(existsSync(link), `${link} exists`).toBe(true);
        const result = await runProcess(link, ['--version'], { cwd: project, env: cleanEnv() });
        expect(result.exitCode).toBe(0);
        expect(result.stdout).toContain(VERSION);
      },
      LONG,
    );

    it(
      'without optional dependencies: start explains the missing platform package and how to fix it',
      async () => {
        const omitted = await userProject('omit-optional-project', ['--omit=optional']);
        expect(existsSync(path.join(omitted, 'node_modules', '@nanobpm'))).toBe(false);
        expect(existsSync(path.join(omitted, 'node_modules', ROOT, 'dist', 'src', 'bin.cjs'))).toBe(true);

        const port = await freePortRange(1);
        const result = await nano(omitted, ['start', '--port', String(port)]);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain('No Nano engine binary found');
        expect(result.stderr).toContain(`platform package ${PKG} (not installed)`);
        expect(result.stderr).toContain(
          `${path.join(omitted, 'package-lock.json')} lists ${PKG}, but it is not installed`,
        );
        expect(result.stderr).toContain('--omit=optional');
        expect(result.stderr).toContain('npm install --include=optional');
        expect(result.stderr).not.toContain('installed elsewhere');
        // The search starts next to the bundled bin (dist/src/bin.cjs), the file that runs.
        expect(result.stderr).toContain(
          `Searched: ${path.join(omitted, 'node_modules', ROOT, 'dist', 'src', 'node_modules', PKG)}`,
        );
        expect(result.stderr).toContain(path.join(omitted, 'node_modules', PKG));
        expect(processesWithMarker(marker)).toEqual([]);

        const config = await nano(omitted, ['config', '--json']);
        expect(config.code, config.stderr).toBe(0);
        const json = JSON.parse(config.stdout);
        expect(json.binary).toMatchObject({ path: null, source: null });
        expect(json.binary.error).toContain('--include=optional');
        expect(json.bundled).toMatchObject({ version: ENGINE_VERSION, packageVersion: VERSION });
      },
      LONG,
    );

    it(
      'with node_modules copied from a Mac: start names the foreign package and says where it came from',
      async () => {
        expect(project, 'the install test ran').not.toBe('');
        const scope = path.join(project, 'node_modules', '@nanobpm');
        const foreign = path.join(scope, 'c8ctl-plugin-nano-darwin-arm64');
        await rename(path.join(scope, 'c8ctl-plugin-nano-linux-x64'), foreign);
        const pkgFile = path.join(foreign, 'package.json');
        const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
        await writeFile(
          pkgFile,
          JSON.stringify(
            {
              ...pkg,
              name: '@nanobpm/c8ctl-plugin-nano-darwin-arm64',
              os: ['darwin'],
              cpu: ['arm64'],
              libc: undefined,
            },
            null,
            2,
          ),
        );

        const port = await freePortRange(1);
        const result = await nano(project, ['start', '--port', String(port)]);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain('No Nano engine binary found');
        expect(result.stderr).toContain(
          `@nanobpm/c8ctl-plugin-nano-darwin-arm64 (in ${path.join(project, 'node_modules')})`,
        );
        expect(result.stderr).toContain('This node_modules was installed elsewhere');
        expect(result.stderr).toContain('reinstall on this machine');
        // The copy-from-another-machine cause comes first, and alone: the lockfile lists every
        // platform's package, so it must not also blame --omit=optional.
        expect(result.stderr.indexOf('installed elsewhere')).toBeLessThan(result.stderr.indexOf('Searched:'));
        expect(result.stderr).not.toContain('optional dependencies were left out');
        expect(processesWithMarker(marker)).toEqual([]);
      },
      LONG,
    );
  });

  // npm refuses a prerelease without --tag; the script tags it with its prerelease id, never `latest`.
  it(
    'publishes a prerelease version under its own dist-tag',
    async () => {
      const preOut = path.join(tmp, 'out-prerelease');
      await buildPlatformPackage(PRERELEASE, preOut);
      const preRoot = await stageRoot(PRERELEASE, path.join(preOut, 'binary-manifest.json'));
      const result = await publish(PRERELEASE, preRoot, preOut);
      expect(result.code, result.stderr).toBe(0);
      expect(await viewVersion(ROOT, PRERELEASE)).toBe(PRERELEASE);
      // Never the `latest` tag: a plain install must not pick a prerelease.
      expect(await viewVersion(ROOT, 'latest')).toBe(VERSION);
    },
    LONG,
  );
});

/** The shell of the Dockerfile's `RUN arch=…; case …` instruction (its fetch stage), continuation lines joined. */
function fetchStage(dockerfile: string): string {
  const lines = dockerfile.split('\n');
  const start = lines.findIndex((line) => line.startsWith('RUN ') && line.includes('case "$arch" in'));
  if (start < 0) throw new Error(`no fetch stage in:\n${dockerfile}`);
  const parts: string[] = [];
  for (let i = start; i < lines.length; i += 1) {
    const line = lines[i]!;
    parts.push(line.replace(/\\$/, ''));
    if (!line.endsWith('\\')) break;
  }
  // As Docker reads it: a backslash-newline joins the lines.
  return parts.join('').replace(/^RUN /, '');
}
