// The real c8ctl CLI (@camunda8/cli 4.1.0) as a test host for our plugin.
//
// c8ctl 4.1.0 needs Node >= 22.18 (this project runs on Node 20), so a Node 22 runtime is installed
// from the npm registry (node-<platform>-<arch>, a plain package holding bin/node) and c8ctl always
// runs under it. c8ctl 4.1.0 also depends on @camunda8/orchestration-cluster-api ^10.0.0-alpha.43,
// which the registry here does not have; an npm override swaps in a local stand-in package
// (test/fixtures/c8ctl-sdk-standin: the real 9.1.5 re-exported, plus the four 10.x exports c8ctl
// imports), packed with `npm pack`, because npm overrides only take a `file:` tarball, not a folder.
//
// Everything is installed once into .cache/c8ctl-host/<key>/ (git-ignored). The key covers the pinned
// versions and the stand-in's sources; a marker file written last, inside a temporary sibling folder
// that is then renamed into place, tells a complete install from an interrupted one. Any failure
// throws: tests that need c8ctl fail loudly, they never skip.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAlive } from './processes.js';
import { runProcess } from './run-process.js';

/** Exact pins, so every run installs the same thing. */
export const C8CTL_VERSION = '4.1.0';
export const NODE_RUNTIME_VERSION = '22.23.3';
export const REAL_SDK_VERSION = '9.1.5';
const STANDIN_VERSION = '10.0.0-local.0';
const SDK_PACKAGE = '@camunda8/orchestration-cluster-api';
const PLUGIN_NAME = 'c8ctl-plugin-nano';

const PROJECT_ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const STANDIN_SOURCE = path.join(PROJECT_ROOT, 'test', 'fixtures', 'c8ctl-sdk-standin');
const CACHE_ROOT = path.join(PROJECT_ROOT, '.cache', 'c8ctl-host');
const MARKER_FILE = 'c8ctl-host.complete.json';
const LOCK_STALE_MS = 10 * 60_000;

export interface C8ctlRunOptions {
  /** c8ctl's data directory (plugins, profiles, session): C8CTL_DATA_DIR. */
  dataDir: string;
  /** Extra environment, applied last (it can override CI, PATH, ...). */
  env?: Record<string, string>;
  /** Default 60 s. A run that takes longer is killed and the promise rejects. */
  timeoutMs?: number;
  /** Working directory; default the project root. */
  cwd?: string;
}

export interface C8ctlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface C8ctlInstall {
  /** The folder everything is installed in. */
  dir: string;
  /** The Node 22 binary c8ctl runs under. */
  nodeBinary: string;
  /** c8ctl's bin script (run as `nodeBinary c8ctlEntry ...args`). */
  c8ctlEntry: string;
  /** Runs c8ctl; resolves with any exit code, rejects only if it cannot start or times out. */
  run(args: string[], opts: C8ctlRunOptions): Promise<C8ctlResult>;
}

let cached: Promise<C8ctlInstall> | undefined;

/** Installs (once, then from .cache/) Node 22 and c8ctl 4.1.0 with the SDK stand-in. */
export function ensureC8ctl(): Promise<C8ctlInstall> {
  cached ??= prepare().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function prepare(): Promise<C8ctlInstall> {
  const nodePackage = nodeRuntimePackage();
  const standinHash = hashTree(STANDIN_SOURCE);
  const manifest = {
    c8ctl: C8CTL_VERSION,
    nodePackage,
    nodeVersion: NODE_RUNTIME_VERSION,
    realSdk: REAL_SDK_VERSION,
    standin: STANDIN_VERSION,
    standinHash,
  };
  const key = createHash('sha256').update(JSON.stringify(manifest)).digest('hex').slice(0, 10);
  const dir = path.join(CACHE_ROOT, `c8ctl-${C8CTL_VERSION}-node-${NODE_RUNTIME_VERSION}-${key}`);

  let install = completeInstall(dir, manifest);
  if (!install) {
    await mkdir(CACHE_ROOT, { recursive: true });
    const unlock = await lock(`${dir}.lock`);
    try {
      // Another process may have finished it while this one waited for the lock.
      install = completeInstall(dir, manifest) ?? (await installInto(dir, manifest, nodePackage));
    } finally {
      await unlock();
    }
  }
  await pruneOthers(path.basename(dir));
  return install;
}

type Manifest = Record<string, string>;

function nodeRuntimePackage(): string {
  if (process.platform !== 'linux' && process.platform !== 'darwin') {
    throw new Error(`The c8ctl test host supports Linux and macOS only (this is ${process.platform}).`);
  }
  return `node-${process.platform}-${process.arch}`;
}

/** The install in `dir`, if its marker says it is complete and for these versions. */
function completeInstall(dir: string, manifest: Manifest): C8ctlInstall | undefined {
  const marker = path.join(dir, MARKER_FILE);
  if (!existsSync(marker)) return undefined;
  let recorded: unknown;
  try {
    recorded = JSON.parse(readFileSync(marker, 'utf8'));
  } catch {
    return undefined;
  }
  const same =
    typeof recorded === 'object' &&
    recorded !== null &&
    Object.entries(manifest).every(([k, v]) => (recorded as Manifest)[k] === v);
  if (!same) return undefined;
  const install = describeInstall(dir, (recorded as Manifest).nodePackage ?? '');
  return existsSync(install.nodeBinary) && existsSync(install.c8ctlEntry) ? install : undefined;
}

function describeInstall(dir: string, nodePackage: string): C8ctlInstall {
  const nodeBinary = path.join(dir, 'node_modules', nodePackage, 'bin', 'node');
  const cliDir = path.join(dir, 'node_modules', '@camunda8', 'cli');
  let bin = 'dist/index.js';
  try {
    const pkg = JSON.parse(readFileSync(path.join(cliDir, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
    bin = pkg.bin?.c8ctl ?? bin;
  } catch {
    // Checked by the caller through existsSync(c8ctlEntry).
  }
  const c8ctlEntry = path.join(cliDir, bin);
  return { dir, nodeBinary, c8ctlEntry, run: (args, opts) => runC8ctl(nodeBinary, c8ctlEntry, args, opts) };
}

async function installInto(dir: string, manifest: Manifest, nodePackage: string): Promise<C8ctlInstall> {
  const work = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(path.join(work, 'standin'), { recursive: true });
  try {
    // 1. The SDK stand-in, packed: npm overrides accept a `file:` tarball, not a folder.
    const packed = await npm(
      ['pack', STANDIN_SOURCE, '--pack-destination', path.join(work, 'standin'), '--ignore-scripts', '--json'],
      work,
      'pack the SDK stand-in',
    );
    const standinFile = packedFilename(packed);
    const standinTgz = path.join('standin', standinFile);

    // 2. Node 22 and c8ctl, with the stand-in overriding c8ctl's SDK dependency. The override path is
    //    relative, so it stays valid after the rename below.
    const pkg = {
      name: 'c8ctl-test-host',
      version: '0.0.0',
      private: true,
      description: 'Generated by test/support/c8ctl-host.ts: the real c8ctl, for end-to-end tests of the plugin.',
      dependencies: { '@camunda8/cli': C8CTL_VERSION, [nodePackage]: NODE_RUNTIME_VERSION },
      overrides: { [SDK_PACKAGE]: `file:./${standinTgz.split(path.sep).join('/')}` },
    };
    await writeFile(path.join(work, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    // This npm runs under Node 20, so c8ctl's engines field (>=22.18) must not be enforced here.
    await npm(
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--engine-strict=false',
        '--prefer-offline',
        '--loglevel=error',
      ],
      work,
      `install @camunda8/cli@${C8CTL_VERSION} and ${nodePackage}@${NODE_RUNTIME_VERSION}`,
    );

    // 3. Check what got installed before calling it complete.
    const expectVersion = (pkgDir: string, want: string) => {
      const file = path.join(work, 'node_modules', pkgDir, 'package.json');
      const got = existsSync(file)
        ? (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version
        : undefined;
      if (got !== want) throw new Error(`expected ${pkgDir}@${want} in ${work}, found ${got ?? 'nothing'}`);
    };
    expectVersion('@camunda8/cli', C8CTL_VERSION);
    expectVersion(nodePackage, NODE_RUNTIME_VERSION);
    expectVersion(SDK_PACKAGE, STANDIN_VERSION);
    expectVersion('real-ocapi', REAL_SDK_VERSION);
    const draft = describeInstall(work, nodePackage);
    const nodeVersion = (await runProcess(draft.nodeBinary, ['--version'])).stdout.trim();
    if (nodeVersion !== `v${NODE_RUNTIME_VERSION}`)
      throw new Error(`${draft.nodeBinary} --version printed "${nodeVersion}", expected v${NODE_RUNTIME_VERSION}`);
    const probeData = await mkdtemp(path.join(os.tmpdir(), 'c8ctl-host-probe-'));
    try {
      const probe = await draft.run(['--version'], { dataDir: probeData, timeoutMs: 60_000 });
      if (probe.code !== 0 || !probe.stdout.includes(C8CTL_VERSION)) {
        throw new Error(
          `c8ctl --version failed (exit ${probe.code}); does the SDK stand-in still cover what c8ctl imports? Run with C8CTL_DEBUG=1.\nstdout:\n${probe.stdout}\nstderr:\n${probe.stderr}`,
        );
      }
    } finally {
      await rm(probeData, { recursive: true, force: true });
    }

    // 4. Marker last, then the atomic rename: a folder under the final name is always complete.
    await writeFile(
      path.join(work, MARKER_FILE),
      `${JSON.stringify({ ...manifest, installedAt: new Date().toISOString() }, null, 2)}\n`,
    );
    await rm(dir, { recursive: true, force: true });
    await rename(work, dir);
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw new Error(
      `Could not set up the real c8ctl ${C8CTL_VERSION} for the end-to-end tests (into ${dir}): ${(error as Error).message}`,
    );
  }
  const install = completeInstall(dir, manifest);
  if (!install) throw new Error(`The c8ctl install in ${dir} is incomplete right after installing it.`);
  return install;
}

/** Runs npm (the one on PATH, under the current Node) and returns stdout; throws with its output. */
async function npm(args: string[], cwd: string, what: string): Promise<string> {
  const result = await runProcess('npm', args, {
    cwd,
    timeoutMs: 600_000,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (result.exitCode !== 0 || result.timedOut) {
    const why = result.timedOut
      ? 'timed out'
      : result.spawnError
        ? result.spawnError.message
        : result.exitCode === undefined
          ? `killed by ${result.signal}`
          : `exit ${result.exitCode}`;
    throw new Error(`npm ${args[0]} (to ${what}) failed: ${why}\n${result.stderr.slice(-4000)}`);
  }
  return result.stdout;
}

function packedFilename(stdout: string): string {
  // `npm pack --json` prints an array with one entry per package; scripts could print before it.
  const start = stdout.indexOf('[');
  try {
    const entries = JSON.parse(stdout.slice(start)) as Array<{ filename?: string }>;
    const filename = entries[0]?.filename;
    if (filename) return filename.replace(/^@/, '').replace(/\//g, '-');
  } catch {
    // Reported below.
  }
  throw new Error(`could not read the tarball name from npm pack --json:\n${stdout}`);
}

/** A cross-process lock (an exclusive mkdir), so parallel test workers install only once. */
async function lock(lockDir: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_STALE_MS + 60_000;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(path.join(lockDir, 'pid'), String(process.pid));
      return () => rm(lockDir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (lockIsStale(lockDir)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for another process's c8ctl install (lock ${lockDir}).`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function lockIsStale(lockDir: string): boolean {
  try {
    const pid = Number(readFileSync(path.join(lockDir, 'pid'), 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) throw new Error('pid not written yet');
    if (!isAlive(pid)) return true;
    return Date.now() - statSync(lockDir).mtimeMs > LOCK_STALE_MS;
  } catch {
    // No pid file yet: stale only if the folder is old (its owner died between mkdir and write).
    try {
      return Date.now() - statSync(lockDir).mtimeMs > 30_000;
    } catch {
      return false;
    }
  }
}

/** Removes installs for other versions and leftovers of interrupted installs (best effort). */
async function pruneOthers(keep: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(CACHE_ROOT);
  } catch {
    return;
  }
  for (const name of entries) {
    if (name === keep) continue;
    if (name.endsWith('.lock')) {
      if (lockIsStale(path.join(CACHE_ROOT, name)))
        await rm(path.join(CACHE_ROOT, name), { recursive: true, force: true }).catch(() => undefined);
      continue;
    }
    // A temporary folder may belong to a live install in another process: only those whose
    // process is gone go (the pid is in the name).
    const tmp = /\.tmp-(\d+)-\d+$/.exec(name);
    if (tmp && isAlive(Number(tmp[1]))) continue;
    await rm(path.join(CACHE_ROOT, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** A stable hash of a folder's files (names and contents). */
function hashTree(root: string): string {
  if (!existsSync(path.join(root, 'package.json')))
    throw new Error(`The SDK stand-in sources are missing: ${root}/package.json`);
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile())
        hash.update(path.relative(root, full)).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  walk(root);
  return hash.digest('hex').slice(0, 16);
}

async function runC8ctl(
  nodeBinary: string,
  c8ctlEntry: string,
  args: string[],
  opts: C8ctlRunOptions,
): Promise<C8ctlResult> {
  const env: Record<string, string> = {};
  // The caller's environment, minus settings that would make c8ctl (or our plugin) read or write
  // outside the test's data dir or talk to a real cluster.
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (
      k.startsWith('C8CTL_') ||
      k.startsWith('CAMUNDA_') ||
      k.startsWith('ZEEBE_') ||
      k.startsWith('VITEST') ||
      k.startsWith('NANOBPMN_')
    )
      continue;
    env[k] = v;
  }
  Object.assign(env, { CI: '1', C8CTL_DATA_DIR: opts.dataDir, NO_COLOR: '1' }, opts.env ?? {});
  // Node 22 first on PATH: c8ctl spawns `npm` (and our plugin spawns node) from PATH.
  env.PATH = [path.dirname(nodeBinary), env.PATH ?? ''].filter(Boolean).join(path.delimiter);

  const timeout = opts.timeoutMs ?? 60_000;
  const result = await runProcess(nodeBinary, [c8ctlEntry, ...args], {
    env,
    cwd: opts.cwd ?? PROJECT_ROOT,
    timeoutMs: timeout,
    stripFinalNewline: false,
  });
  const { stdout, stderr } = result;
  if (result.timedOut) {
    throw new Error(
      `c8ctl ${args.join(' ')} did not finish within ${timeout} ms.\nstdout:\n${stdout}\nstderr:\n${stderr}`,
    );
  }
  if (result.exitCode === undefined && result.signal === undefined) {
    throw new Error(`c8ctl ${args.join(' ')} could not be started: ${result.spawnError?.message ?? 'no exit code'}`);
  }
  const code = result.exitCode ?? 128 + (result.signal ? (os.constants.signals[result.signal] ?? 0) : 0);
  return { code, stdout, stderr };
}

/**
 * Packs this project (as `npm publish` would) into a fresh temporary folder and returns the .tgz
 * path. Needs a build (`npm run build`); packing skips lifecycle scripts so it never rebuilds dist/
 * under other running tests. Remove the folder (path.dirname of the result) when done.
 */
export async function packPlugin(): Promise<string> {
  for (const file of ['c8ctl-plugin.js', 'dist/c8ctl-plugin.js']) {
    if (!existsSync(path.join(PROJECT_ROOT, file)))
      throw new Error(`${file} is missing: run "npm run build" before packing the plugin.`);
  }
  const dest = await mkdtemp(path.join(os.tmpdir(), 'c8ctl-nano-pack-'));
  try {
    const stdout = await npm(
      ['pack', '--pack-destination', dest, '--ignore-scripts', '--json'],
      PROJECT_ROOT,
      'pack the plugin',
    );
    const tgz = path.join(dest, packedFilename(stdout));
    if (!existsSync(tgz)) throw new Error(`npm pack reported ${tgz}, which does not exist`);
    const listing = await runProcess('tar', ['-tzf', tgz]);
    const files = listing.stdout.split('\n');
    for (const needed of ['package/package.json', 'package/c8ctl-plugin.js', 'package/dist/c8ctl-plugin.js']) {
      if (!files.includes(needed))
        throw new Error(`the packed plugin lacks ${needed.slice('package/'.length)} (check "files" in package.json)`);
    }
    return tgz;
  } catch (error) {
    await rm(dest, { recursive: true, force: true });
    throw new Error(`Could not pack the plugin: ${(error as Error).message}`);
  }
}

/**
 * Loads a packed plugin into a c8ctl data dir, the way a user loads a downloaded package:
 * `c8ctl load plugin --from file:///abs/path/to/pkg.tgz` (c8ctl runs `npm install <path> --prefix
 * <dataDir>/plugins`, so the plugin is extracted, not symlinked, and its dependencies, including the
 * optional engine package, come from the registry or the npm cache). Keep the .tgz until the data
 * dir is gone: plugins/package.json refers to it. Returns the installed plugin's folder.
 */
export async function loadPackedPlugin(install: C8ctlInstall, dataDir: string, tgzPath: string): Promise<string> {
  const from = pathToFileURL(path.resolve(tgzPath)).href;
  const result = await install.run(['load', 'plugin', '--from', from], { dataDir, timeoutMs: 300_000 });
  const output = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  if (result.code !== 0) throw new Error(`c8ctl load plugin --from ${from} failed (exit ${result.code}).\n${output}`);
  const pluginDir = path.join(dataDir, 'plugins', 'node_modules', PLUGIN_NAME);
  if (!existsSync(path.join(pluginDir, 'c8ctl-plugin.js'))) {
    throw new Error(`c8ctl load plugin exited 0 but ${pluginDir}/c8ctl-plugin.js is missing.\n${output}`);
  }
  if (lstatSync(pluginDir).isSymbolicLink())
    throw new Error(`${pluginDir} is a symlink; expected the extracted package.`);
  return pluginDir;
}
